package dev.svd.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's {@code NOTIFY_SOCKET} (sd_notify(3), docs/notify.md): one AF_UNIX datagram socket with
 * SO_PASSCRED, so that the kernel attaches each sender's pid, uid and gid (unix(7)). One thread,
 * {@code svd-notify}, blocks in recvmsg(2); each well-formed datagram goes to the consumer with its
 * sender as /proc shows it; garbage (empty, truncated, not UTF-8, no assignment) is counted and
 * logged here (at most {@link #LOG_BURST} lines per {@link #LOG_WINDOW_NANOS}) and goes nowhere. Descriptors a
 * sender passes (SCM_RIGHTS) are closed at once: svd keeps none (no FDSTORE).
 * Which service a sender belongs to is the engine's decision, not this class's.
 */
public final class NotifySocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifySocket.class);
    /** Room for SCM_CREDENTIALS and a few passed descriptors, which are closed; more are cut (MSG_CTRUNC). */
    private static final int CONTROL_BYTES = 256;
    /** At most {@link #LOG_BURST} lines about garbage per window of this length. */
    private static final long LOG_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int LOG_BURST = 5;
    private static final int MAX_ANCESTORS = 64;

    private final int fd;
    private final String address;
    private final Optional<Path> file;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong garbage = new AtomicLong();
    private volatile boolean closed;
    private Thread thread;
    private long logWindowStart = System.nanoTime();
    private int loggedInWindow;
    private long unloggedGarbage;

    private NotifySocket(int fd, String address, Optional<Path> file) {
        this.fd = fd;
        this.address = address;
        this.file = file;
    }

    /**
     * Binds {@code path} (a stale socket there is replaced: svd's state-dir lock says no other svd
     * uses it), mode 0666 like systemd's own notify socket, since services run as any user and the
     * kernel's credentials, not the file's mode, decide who may notify. When the path does not fit
     * in sun_path (108 bytes with its NUL, unix(7)), an abstract address {@code @svd-notify-PID-RANDOM}
     * is bound instead, which sd_notify(3) clients accept the same way.
     */
    public static NotifySocket bind(Path path) throws IOException {
        byte[] name = path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.length >= NotifyCalls.SUN_PATH_BYTES;
        String address = abstractName ? "@svd-notify-" + Kernel.pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) : path.toAbsolutePath().toString();
        if (abstractName) {
            name = ("\0" + address.substring(1)).getBytes(StandardCharsets.UTF_8);
            log.info("notify socket: {} is longer than the {} bytes a socket path may have; using the abstract address {}",
                    path, NotifyCalls.SUN_PATH_BYTES - 1, address);
        } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther()) {
                throw new IOException(path + " exists and is not a socket; remove it or choose another svd.state-dir");
            }
            Files.delete(path);
        }
        int fd;
        try {
            fd = NotifyCalls.C.socket(NotifyCalls.AF_UNIX, NotifyCalls.SOCK_DGRAM | NotifyCalls.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot create the notify socket: " + SpawnCalls.strerror(e.getErrorCode()));
        }
        try {
            byte[] sockaddr = new byte[2 + name.length + (abstractName ? 0 : 1)];
            sockaddr[0] = (byte) NotifyCalls.AF_UNIX; // sa_family_t, little-endian on x86_64 and aarch64
            System.arraycopy(name, 0, sockaddr, 2, name.length);
            NotifyCalls.C.bind(fd, sockaddr, sockaddr.length);
            NotifyCalls.C.setsockopt(fd, NotifyCalls.SOL_SOCKET, NotifyCalls.SO_PASSCRED, new int[] {1}, 4);
            if (!abstractName) {
                SafePaths.setModeNoFollow(path, PosixFilePermissions.fromString("rw-rw-rw-"), null);
            }
        } catch (LastErrorException e) {
            NotifyCalls.C.close(fd);
            throw new IOException("cannot bind the notify socket " + address + ": " + SpawnCalls.strerror(e.getErrorCode()));
        } catch (IOException e) {
            NotifyCalls.C.close(fd);
            throw e;
        }
        return new NotifySocket(fd, address, abstractName ? Optional.empty() : Optional.of(path));
    }

    /** The value of {@code NOTIFY_SOCKET} for services: a path, or {@code @name} for an abstract address. */
    public String address() {
        return address;
    }

    /** Datagrams read so far, garbage included. */
    public long received() {
        return received.get();
    }

    /** Datagrams dropped as garbage so far. */
    public long garbage() {
        return garbage.get();
    }

    /** Starts the {@code svd-notify} thread; {@code sink} is called on it with each well-formed datagram. */
    public synchronized void start(Consumer<Notification> sink) {
        thread = new Thread(() -> loop(sink), "svd-notify");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Consumer<Notification> sink) {
        Memory data = new Memory(NotifyMessage.MAX_BYTES);
        Memory iov = new Memory(16);
        iov.setPointer(0, data);
        iov.setLong(8, NotifyMessage.MAX_BYTES);
        Memory control = new Memory(CONTROL_BYTES);
        Memory msg = new Memory(NotifyCalls.MSGHDR_BYTES);
        byte[] bytes = new byte[NotifyMessage.MAX_BYTES];
        while (!closed) {
            msg.clear();
            msg.setPointer(NotifyCalls.MSG_IOV, iov);
            msg.setLong(NotifyCalls.MSG_IOVLEN, 1);
            msg.setPointer(NotifyCalls.MSG_CONTROL, control);
            msg.setLong(NotifyCalls.MSG_CONTROLLEN, CONTROL_BYTES);
            long n;
            try {
                n = NotifyCalls.C.recvmsg(fd, msg, NotifyCalls.MSG_CMSG_CLOEXEC);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == NotifyCalls.EINTR) {
                    continue;
                }
                if (!closed) {
                    log.error("notify socket: recvmsg failed: {}; services can no longer notify svd",
                            SpawnCalls.strerror(e.getErrorCode()));
                }
                return;
            }
            if (closed) {
                return;
            }
            try {
                handle(sink, data, bytes, (int) n, msg, control);
            } catch (RuntimeException e) { // never let one datagram end the thread
                String ref = Long.toHexString(System.nanoTime() & 0xffffff);
                log.error("notify socket: unexpected error on a datagram (ref {})", ref, e);
            }
        }
    }

    private void handle(Consumer<Notification> sink, Memory data, byte[] bytes, int n, Memory msg, Memory control) {
        received.incrementAndGet();
        int flags = msg.getInt(NotifyCalls.MSG_FLAGS);
        int[] credentials = credentials(control, (int) Math.min(msg.getLong(NotifyCalls.MSG_CONTROLLEN), CONTROL_BYTES));
        int length = Math.max(0, Math.min(n, bytes.length));
        data.read(0, bytes, 0, length);
        NotifyMessage.Parsed parsed = NotifyMessage.parse(bytes, length, (flags & NotifyCalls.MSG_TRUNC) != 0);
        if (credentials == null) {
            dropped("no sender credentials", -1);
            return;
        }
        if (parsed instanceof NotifyMessage.Garbage g) {
            dropped(g.why(), credentials[0]);
            return;
        }
        NotifyMessage message = ((NotifyMessage.Message) parsed).message();
        Notification.Process sender = process(credentials[0], credentials[1]);
        Optional<Notification.Process> mainPid = message.mainPid().isPresent()
                ? Optional.of(process(message.mainPid().getAsInt(), -1)) : Optional.empty();
        sink.accept(new Notification(sender, message, mainPid));
    }

    /** pid, uid, gid from SCM_CREDENTIALS; closes any SCM_RIGHTS descriptors; null without credentials. */
    private static int[] credentials(Memory control, int length) {
        int[] found = null;
        int offset = 0;
        while (offset + NotifyCalls.CMSG_HEADER_BYTES <= length) {
            long cmsgLength = control.getLong(offset);
            if (cmsgLength < NotifyCalls.CMSG_HEADER_BYTES || offset + cmsgLength > length) {
                break;
            }
            int level = control.getInt(offset + 8);
            int type = control.getInt(offset + 12);
            int dataOffset = offset + NotifyCalls.CMSG_HEADER_BYTES;
            int dataBytes = (int) cmsgLength - NotifyCalls.CMSG_HEADER_BYTES;
            if (level == NotifyCalls.SOL_SOCKET && type == NotifyCalls.SCM_CREDENTIALS && dataBytes >= 12) {
                found = new int[] {control.getInt(dataOffset), control.getInt(dataOffset + 4), control.getInt(dataOffset + 8)};
            } else if (level == NotifyCalls.SOL_SOCKET && type == NotifyCalls.SCM_RIGHTS) {
                for (int i = 0; i + 4 <= dataBytes; i += 4) {
                    NotifyCalls.C.close(control.getInt(dataOffset + i));
                }
            }
            offset += (int) ((cmsgLength + 7) & ~7L); // CMSG_ALIGN on 64-bit
        }
        return found;
    }

    /** The process {@code pid} as /proc shows it now; {@code uid} -1 when not known from credentials. */
    static Notification.Process process(int pid, int uid) {
        int[] groupAndSession = groupAndSession(pid);
        List<Integer> ancestors = new ArrayList<>();
        int self = Kernel.pid();
        int p = ProcFs.parentOf(pid);
        while (p > 1 && p != self && ancestors.size() < MAX_ANCESTORS && !ancestors.contains(p)) {
            ancestors.add(p);
            p = ProcFs.parentOf(p);
        }
        return new Notification.Process(pid, uid, groupAndSession[0], groupAndSession[1], ancestors,
                ProcFs.command(pid));
    }

    /** Fields 5 and 6 of /proc/PID/stat (proc(5)); -1 each when the process is gone. */
    private static int[] groupAndSession(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
            return new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])};
        } catch (IOException | RuntimeException e) {
            return new int[] {-1, -1};
        }
    }

    private void dropped(String why, int pid) {
        long total = garbage.incrementAndGet();
        long now = System.nanoTime();
        if (now - logWindowStart >= LOG_WINDOW_NANOS) {
            logWindowStart = now;
            loggedInWindow = 0;
        }
        if (loggedInWindow >= LOG_BURST) {
            unloggedGarbage++;
            return;
        }
        loggedInWindow++;
        String sender = pid > 0 ? "pid " + pid + " (" + ProcFs.command(pid) + ")" : "an unknown sender";
        log.warn("notify socket: ignored a datagram from {}: {} ({} ignored so far{}; docs/notify.md says what svd reads)",
                sender, why, total, unloggedGarbage == 0 ? "" : ", " + unloggedGarbage + " not logged");
        unloggedGarbage = 0;
    }

    /** Stops the thread (shutdown(2) wakes its recvmsg) and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        NotifyCalls.C.shutdown(fd, NotifyCalls.SHUT_RDWR);
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NotifyCalls.C.close(fd);
        file.ifPresent(f -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                log.warn("cannot remove the notify socket {}: {}", f, e.toString());
            }
        });
    }
}
