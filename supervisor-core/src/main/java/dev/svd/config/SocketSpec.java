package dev.svd.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One entry of a service's {@code sockets}: a listening stream socket svd binds before the
 * service's first start, holds for its own whole life and passes to each new process of the
 * service at fd 3, 4, ... in declared order (docs/sockets.md).
 *
 * @param listen   as the operator wrote it: {@code 127.0.0.1:8000}, {@code [::1]:8000} or {@code /run/app.sock}
 * @param family   which of the three it is
 * @param address  the IP address as written (no brackets) for TCP; empty for a Unix socket
 * @param port     the TCP port (1-65535); 0 for a Unix socket
 * @param path     the Unix socket's absolute path
 * @param name     what {@code LISTEN_FDNAMES} calls it (systemd.socket(5) FileDescriptorName=)
 * @param backlog  listen(2)'s backlog; the kernel cuts it to net.core.somaxconn
 * @param mode     a Unix socket's file mode (default 0666, as systemd's SocketMode=)
 * @param owner    a Unix socket's owner, by user name or uid
 * @param group    a Unix socket's group, by name or gid
 */
public record SocketSpec(String listen, Family family, String address, int port, Optional<Path> path, String name,
                         int backlog, int mode, Optional<String> owner, Optional<String> group, Origin origin) {
    /** The default backlog: SOMAXCONN since Linux 5.4, and systemd.socket(5)'s Backlog= default. */
    public static final int DEFAULT_BACKLOG = 4096;
    /** The default mode of a Unix socket file: systemd.socket(5)'s SocketMode= default. */
    public static final int DEFAULT_MODE = 0666;

    public enum Family { INET, INET6, UNIX }

    /**
     * The same address: an update keeps the socket open (its connections waiting in the backlog), so
     * a changed name applies at the next start and a changed backlog, mode, owner or group when svd
     * binds it again (after svd restarts, or after the socket is removed and added back).
     */
    public boolean sameBinding(SocketSpec o) {
        return listen.equals(o.listen);
    }

    /** The values without the origin, for comparing two configs ({@code update}). */
    public SocketSpec placeless() {
        return new SocketSpec(listen, family, address, port, path, name, backlog, mode, owner, group, Origin.UNKNOWN);
    }
}
