package dev.svd.os;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pid, uid and gid of the process on the other end of a Unix socket, from SO_PEERCRED. The
 * JDK's own SO_PEERCRED option gives user and group names only, so this reads the socket's
 * descriptor (a JDK-internal method: svd's launcher passes
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}) and asks the kernel through JNA.
 * Without that export it answers empty, and audit lines carry no pid.
 */
public final class PeerCredentials {
    private static final Logger log = LoggerFactory.getLogger(PeerCredentials.class);
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    /** struct ucred { pid_t pid; uid_t uid; gid_t gid; } */
    private static final int UCRED_BYTES = 12;
    private static final Method FD_VAL = fdMethod();

    /** What the kernel recorded about the peer when it connected. */
    public record Credentials(int pid, int uid, int gid) {}

    private PeerCredentials() {}

    private static Method fdMethod() {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("peer pids unavailable: {} (needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED)", e.toString());
            return null;
        }
    }

    /** The peer's credentials, or empty when they cannot be read. */
    public static Optional<Credentials> of(SocketChannel channel) {
        if (FD_VAL == null) {
            return Optional.empty();
        }
        try {
            int fd = (int) FD_VAL.invoke(channel);
            byte[] ucred = new byte[UCRED_BYTES];
            int[] length = {UCRED_BYTES};
            LibC.C.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, ucred, length);
            ByteBuffer b = ByteBuffer.wrap(ucred).order(ByteOrder.nativeOrder());
            return Optional.of(new Credentials(b.getInt(0), b.getInt(4), b.getInt(8)));
        } catch (ReflectiveOperationException | RuntimeException e) { // LastErrorException included
            log.debug("cannot read the peer's credentials: {}", e.toString());
            return Optional.empty();
        }
    }
}
