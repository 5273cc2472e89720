package dev.svd.os;

import com.sun.jna.Native;
import dev.svd.config.SocketSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One listening stream socket svd holds for a service (docs/sockets.md): bound and listening, kept at
 * fd {@value #FIRST_FD} or above with close-on-exec, so that no other process inherits it unless a
 * spawn passes it, and so that a spawn's dup2 to fd 3, 4, ... never has a source equal to its target
 * (posix_spawn_file_actions_adddup2(3): with equal fds, glibc before 2.38 leaves close-on-exec set).
 * TCP sockets have SO_REUSEADDR (a restarted svd binds again while old connections are in TIME_WAIT,
 * as nginx and gunicorn do); IPv6 ones IPV6_V6ONLY, so that {@code [::]:80} and {@code 0.0.0.0:80} can
 * both be declared, as nginx's {@code ipv6only=on} default. Not thread-safe: {@link HeldSockets} guards it.
 */
public final class ListeningSocket {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ListeningSocket.class);
    /** svd's copies live at this fd or above; a service gets at most 64 (config.SocketReader), passed at 3 to 66. */
    static final int FIRST_FD = 256;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final SocketSpec spec;
    private final int fd;
    private boolean closed;

    private ListeningSocket(SocketSpec spec, int fd) {
        this.spec = spec;
        this.fd = fd;
    }

    public SocketSpec spec() {
        return spec;
    }

    /** svd's descriptor of it (for {@code svctl status}). */
    public int fd() {
        return fd;
    }

    /**
     * Binds and listens on {@code spec}'s address. A Unix socket's path: an existing socket file that
     * nobody listens on is replaced (a crashed svd's); anything else there, a link included, is
     * refused; its directory must pass {@link SafePaths#check}.
     *
     * @throws SpawnException "cannot listen on ADDRESS: the kernel's reason", kind FINAL: the operator must
     *                        free the address or change it
     */
    public static ListeningSocket open(SocketSpec spec) throws SpawnException {
        int family = switch (spec.family()) {
            case INET -> SocketCalls.AF_INET;
            case INET6 -> SocketCalls.AF_INET6;
            case UNIX -> SocketCalls.AF_UNIX;
        };
        if (spec.family() == SocketSpec.Family.UNIX) {
            prepareUnixPath(spec);
        }
        int raw = SocketCalls.socket(family, SocketCalls.SOCK_STREAM | SocketCalls.SOCK_CLOEXEC, 0);
        if (raw < 0) {
            throw failed(spec, "socket", Native.getLastError());
        }
        int fd = -1;
        try {
            fd = SocketCalls.fcntl(raw, SocketCalls.F_DUPFD_CLOEXEC, FIRST_FD);
            if (fd < 0) {
                throw failed(spec, "fcntl", Native.getLastError());
            }
            if (spec.family() != SocketSpec.Family.UNIX) {
                option(spec, fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_REUSEADDR);
            }
            if (spec.family() == SocketSpec.Family.INET6) {
                option(spec, fd, SocketCalls.IPPROTO_IPV6, SocketCalls.IPV6_V6ONLY);
            }
            byte[] address = address(spec);
            if (SocketCalls.bind(fd, address, address.length) != 0) {
                throw failed(spec, "bind", Native.getLastError());
            }
            if (spec.family() == SocketSpec.Family.UNIX) {
                setOwnerAndMode(spec);
            }
            if (SocketCalls.listen(fd, spec.backlog()) != 0) {
                throw failed(spec, "listen", Native.getLastError());
            }
            ListeningSocket made = new ListeningSocket(spec, fd);
            fd = -1;
            return made;
        } finally {
            SocketCalls.close(raw);
            if (fd >= 0) {
                SocketCalls.close(fd);
                removeSocketFile(spec);
            }
        }
    }

    /** Closes svd's copy (processes that inherited it keep theirs); a Unix socket's file is removed. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SocketCalls.close(fd);
        if (spec.family() == SocketSpec.Family.UNIX) {
            removeSocketFile(spec);
        }
    }

    private static void option(SocketSpec spec, int fd, int level, int name) throws SpawnException {
        if (SocketCalls.setsockopt(fd, level, name, new int[] {1}, 4) != 0) {
            throw failed(spec, "setsockopt", Native.getLastError());
        }
    }

    private static SpawnException failed(SocketSpec spec, String call, int errno) {
        String reason = SocketCalls.strerror(errno);
        return new SpawnException("cannot listen on " + spec.listen() + ": " + reason
                + ("bind".equals(call) || "listen".equals(call) ? "" : " (" + call + ")"),
                errno == 24 || errno == 23 ? SpawnException.Kind.FD_SHORTAGE : SpawnException.Kind.FINAL);
    }

    /** struct sockaddr_in (16 bytes), sockaddr_in6 (28) or sockaddr_un (110), as ip(7), ipv6(7) and unix(7) lay them out. */
    static byte[] address(SocketSpec spec) throws SpawnException {
        if (spec.family() == SocketSpec.Family.UNIX) {
            byte[] path = spec.path().orElseThrow().toString().getBytes(StandardCharsets.UTF_8);
            byte[] a = new byte[110];
            a[0] = (byte) SocketCalls.AF_UNIX; // sa_family_t in host order: little-endian on x86_64 and aarch64
            System.arraycopy(path, 0, a, 2, path.length);
            return a;
        }
        byte[] ip;
        try {
            ip = InetAddress.getByName(spec.address()).getAddress(); // a literal (config.SocketReader): no lookup
        } catch (java.net.UnknownHostException e) {
            throw new SpawnException("cannot listen on " + spec.listen() + ": not an IP address");
        }
        boolean v6 = spec.family() == SocketSpec.Family.INET6;
        byte[] a = new byte[v6 ? 28 : 16];
        a[0] = (byte) (v6 ? SocketCalls.AF_INET6 : SocketCalls.AF_INET);
        a[2] = (byte) (spec.port() >> 8); // network byte order
        a[3] = (byte) spec.port();
        System.arraycopy(ip, 0, a, v6 ? 8 : 4, ip.length);
        return a;
    }

    private static void prepareUnixPath(SocketSpec spec) throws SpawnException {
        Path path = spec.path().orElseThrow();
        try {
            SafePaths.check(path.getParent(), "the directory of socket " + spec.listen());
        } catch (IOException e) {
            throw new SpawnException("cannot listen on " + spec.listen() + ": " + e.getMessage());
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new SpawnException("cannot listen on " + spec.listen() + ": the path exists and is not a socket"
                    + " (svd replaces only a stale socket file; remove it or choose another path)");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new SpawnException("cannot listen on " + spec.listen() + ": " + SocketCalls.strerror(98)
                    + " (another process listens on it)");
        } catch (IOException stale) {
            try {
                Files.deleteIfExists(path); // unlink(2): removes a link itself, never its target
            } catch (IOException e) {
                throw new SpawnException("cannot listen on " + spec.listen() + ": cannot remove the stale socket file: "
                        + e.getMessage());
            }
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Just bound, so the path is the socket svd made (a link cannot be there: bind(2) does not follow
     * one, and the directory passed SafePaths); lchown(2) never follows a link.
     */
    private static void setOwnerAndMode(SocketSpec spec) throws SpawnException {
        String path = spec.path().orElseThrow().toString();
        if (SocketCalls.chmod(path, spec.mode()) != 0) {
            throw failed(spec, "chmod " + String.format(Locale.ROOT, "%04o", spec.mode()), Native.getLastError());
        }
        if (spec.owner().isEmpty() && spec.group().isEmpty()) {
            return;
        }
        int uid = -1;
        int gid = -1;
        if (spec.owner().isPresent()) {
            UserAccount user = UserAccount.lookup(spec.owner().get()).orElseThrow(() -> new SpawnException(
                    "cannot listen on " + spec.listen() + ": no such user: " + spec.owner().get()));
            uid = user.uid();
        }
        if (spec.group().isPresent()) {
            gid = gid(spec.group().get()).orElseThrow(() -> new SpawnException(
                    "cannot listen on " + spec.listen() + ": no such group in /etc/group: " + spec.group().get()));
        }
        if (SocketCalls.lchown(path, uid, gid) != 0) {
            throw failed(spec, "chown", Native.getLastError());
        }
    }

    /** A group's gid from /etc/group, by name or by number. */
    static Optional<Integer> gid(String group) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && (f[0].equals(group) || f[2].equals(group))) {
                    return Optional.of(Integer.parseInt(f[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static void removeSocketFile(SocketSpec spec) {
        spec.path().filter(ListeningSocket::isSocket).ifPresent(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // the socket is closed either way; a file left behind is replaced at the next bind
                log.warn("cannot remove socket file {} of a closed socket: {}", p, e.toString());
            }
        });
    }
}
