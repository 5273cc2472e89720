package dev.svd.os;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cgroup v2 per service, {@code <svd's cgroup>/svd.<id>/<service>.service}, where the id is
 * made from svd's state dir (one svd per state dir, daemon.StateDirLock), so two svds never share
 * a cgroup and a restarted svd finds its predecessor's. A service's main process is moved in
 * right after posix_spawn, then its children (what it forked before the move); everything it
 * starts later is born inside, whatever session or group it makes. Only the core interface files
 * are used (cgroup.procs, cgroup.kill, cgroup.events), which need no controller: nothing is
 * delegated or enabled (Documentation/admin-guide/cgroup-v2.rst, "Core Interface Files").
 * Thread-safe (the kernel serialises the files). See
 * docs/decisions/0006-processes-that-leave-their-group.md.
 */
public final class ServiceCgroups implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceCgroups.class);
    private static final String SUFFIX = ".service";

    /** Where svd's own cgroup is in the file system, or why svd will not use cgroups. */
    record Location(Optional<Path> dir, String reason) {}

    private final Path base;
    private final boolean hasKill;
    private final IntConsumer sigkill;
    private final java.util.function.Consumer<Path> beforeWrite;
    /** Each service's cgroup.events as {@link ReapCalls} opens it, made once: read after every exit. */
    private final java.util.Map<String, byte[]> eventsPaths = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param base    the directory svd nests its services' cgroups in (made if missing)
     * @param hasKill whether cgroup.kill exists (Linux 5.14); without it members are killed one by one
     * @param sigkill sends SIGKILL to one pid
     */
    ServiceCgroups(Path base, boolean hasKill, IntConsumer sigkill) {
        this(base, hasKill, sigkill, dir -> { });
    }

    /** @param beforeWrite told the cgroup {@link #place} made, before it writes the pid: what may happen in between */
    ServiceCgroups(Path base, boolean hasKill, IntConsumer sigkill, java.util.function.Consumer<Path> beforeWrite) {
        this.base = base;
        this.hasKill = hasKill;
        this.sigkill = sigkill;
        this.beforeWrite = beforeWrite;
    }

    /**
     * The cgroups svd uses, or empty when it uses /proc alone: {@code SVD_CGROUP=off}, no cgroup
     * v2 hierarchy (cgroup v1 only), or svd's cgroup not writable (a read-only /sys/fs/cgroup, as
     * docker mounts it by default). Logs which it is.
     */
    public static Optional<ServiceCgroups> detect(Path stateDir) {
        String setting = Optional.ofNullable(System.getenv("SVD_CGROUP")).orElse("auto");
        String proc = "; a service's processes that leave its process group are found through /proc"
                + " (SVD_SERVICE in their environment, and parentage)";
        if (setting.equals("off")) {
            log.info("processes: SVD_CGROUP=off{}", proc);
            return Optional.empty();
        }
        if (!setting.equals("auto")) {
            log.warn("SVD_CGROUP={}: unknown value (expected auto or off); using auto", setting);
        }
        Location where = locate(read(Path.of("/proc/self/mountinfo")), read(Path.of("/proc/self/cgroup")));
        if (where.dir().isEmpty()) {
            log.info("processes: {}{}", where.reason(), proc);
            return Optional.empty();
        }
        Path base = where.dir().get().resolve(baseName(stateDir));
        try {
            Files.createDirectories(base);
        } catch (IOException e) {
            log.info("processes: cannot create cgroup {} ({}){}", base, e.getMessage(), proc);
            return Optional.empty();
        }
        if (!Files.isWritable(base.resolve("cgroup.procs"))) {
            log.info("processes: cgroup {} is not writable{}", base, proc);
            return Optional.empty();
        }
        boolean kill = Files.exists(base.resolve("cgroup.kill"));
        log.info("processes: each service runs in its own cgroup under {} (cgroup v2{}), and /proc is searched too", base,
                kill ? ", stopped with cgroup.kill" : "; no cgroup.kill before Linux 5.14: members are killed one by one");
        return Optional.of(new ServiceCgroups(base, kill, pid -> Kernel.signalProcess(pid, dev.svd.config.Signal.KILL)));
    }

    /**
     * Where svd's own cgroup v2 is mounted, from /proc/self/mountinfo (proc(5): field 4 is the
     * mount's root, field 5 its mount point, the file system type follows " - ") and
     * /proc/self/cgroup (cgroups(7): the v2 line is "0::PATH").
     */
    static Location locate(String mountinfo, String selfCgroup) {
        String own = null;
        for (String line : selfCgroup.split("\n")) {
            if (line.startsWith("0::")) {
                own = line.substring(3).trim();
            }
        }
        if (own == null) {
            return new Location(Optional.empty(), "no cgroup v2 hierarchy (cgroup v1 only)");
        }
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0 || !line.substring(dash + 3).startsWith("cgroup2 ")) {
                continue;
            }
            String[] f = line.substring(0, dash).split(" ");
            if (f.length < 5) {
                continue;
            }
            String root = unescape(f[3]);
            String mountPoint = unescape(f[4]);
            String rel;
            if (root.equals("/")) {
                rel = own;
            } else if (own.equals(root) || own.startsWith(root + "/")) {
                rel = own.substring(root.length());
            } else {
                continue;
            }
            return new Location(Optional.of(Path.of(mountPoint + (rel.equals("/") ? "" : rel))),
                    "cgroup v2 mounted on " + mountPoint);
        }
        return new Location(Optional.empty(), "cgroup v2 is not mounted where svd can see its own cgroup " + own);
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes (\040). */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** "svd." and 8 hex digits of the state dir's SHA-256: one name per svd, the same after its restart. */
    static String baseName(Path stateDir) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(
                    stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "svd." + HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path dir(String service) {
        return base.resolve(service + SUFFIX);
    }

    public Path base() {
        return base;
    }

    /**
     * Moves {@code pid} into the service's cgroup (made if missing), then each of its descendants
     * forked before the move (a parent is moved before its children are read, so a later fork is
     * born inside). False if the cgroup cannot be made or written; the service then relies on /proc.
     */
    boolean place(String service, int pid) {
        Path dir = dir(service);
        Paths paths = placePaths.computeIfAbsent(service, s -> new Paths(ReapCalls.path(dir.toString()),
                ReapCalls.path(dir.resolve("cgroup.procs").toString())));
        byte[] value = Integer.toString(pid).getBytes(StandardCharsets.US_ASCII);
        // mkdir(2), open(2) and write(2) by direct calls: a start of 2,000 services places 2,000
        // pids, and java.nio's createDirectories and write run far more (cold) Java per call.
        // The exit of the service's previous process removes its cgroup after reporting the exit
        // (remove): an rmdir between this mkdir and the write makes the open fail with ENOENT, and
        // the cgroup is made again. Once the pid is in, the cgroup is not empty and no rmdir can
        // succeed; one exit removes at most once, so the second try is the last.
        String failure = null;
        for (int attempt = 1; ; attempt++) {
            if (SpawnCalls.mkdir(paths.dir(), 0755) != 0) {
                int errno = Native.getLastError();
                if (errno == ReapCalls.ENOENT) {
                    try {
                        Files.createDirectories(dir); // svd's own cgroup directory is gone too
                    } catch (IOException e) {
                        failure = e.getMessage();
                        break;
                    }
                } else if (errno != SpawnCalls.EEXIST) {
                    failure = "cannot make " + dir + ": " + SpawnCalls.strerror(errno);
                    break;
                }
            }
            beforeWrite.accept(dir);
            int errno = writeOnce(paths.procs(), value);
            if (errno == 0) {
                break;
            }
            if (errno != ReapCalls.ENOENT || attempt == PLACE_ATTEMPTS) {
                failure = "cannot write " + dir.resolve("cgroup.procs") + ": " + SpawnCalls.strerror(errno);
                break;
            }
        }
        if (failure != null) {
            if (!Kernel.processAlive(pid)) {
                return true; // it ended already: nothing to place
            }
            log.warn("{}: cannot move pid {} into cgroup {}: {}; its processes are found through /proc only",
                    service, pid, dir, failure);
            return false;
        }
        List<Integer> todo = new ArrayList<>(ProcFs.childrenOfAllThreads(pid));
        while (!todo.isEmpty()) {
            int child = todo.remove(todo.size() - 1);
            if (writeOnce(paths.procs(), Integer.toString(child).getBytes(StandardCharsets.US_ASCII)) != 0) {
                continue; // ended meanwhile
            }
            todo.addAll(ProcFs.childrenOfAllThreads(child));
        }
        return true;
    }

    /** A service's cgroup directory and its cgroup.procs, NUL-terminated for the direct calls. */
    private record Paths(byte[] dir, byte[] procs) {}

    private static final int EIO = 5;
    private final java.util.Map<String, Paths> placePaths = new java.util.concurrent.ConcurrentHashMap<>();

    /** One open, write(2) and close of {@code file} (NUL-terminated): 0, or the errno that failed it. */
    private static int writeOnce(byte[] file, byte[] value) {
        int fd = ReapCalls.open(file, ReapCalls.O_WRONLY | ReapCalls.O_CLOEXEC);
        if (fd < 0) {
            return Native.getLastError();
        }
        try {
            long n = SpawnCalls.write(fd, value, value.length);
            return n == value.length ? 0 : n < 0 ? Native.getLastError() : EIO; // cgroup.procs takes a pid whole or not
        } finally {
            ReapCalls.close(fd);
        }
    }

    /** How often {@link #place} makes the cgroup and writes the pid when a removal races it. */
    static final int PLACE_ATTEMPTS = 3;

    /** The pids in the service's cgroup (cgroup.procs); empty when it has none or does not exist. */
    List<Integer> members(String service) {
        return members(dir(service));
    }

    /**
     * The cgroup svd placed each service in, by service name, for those whose main process ({@code
     * mainPids}: service -> pid) is in one: the process's cgroup v2 (/proc/PID/cgroup, "0::PATH",
     * cgroups(7)) found in svd's mount table, when it is named {@code NAME.service} inside a directory
     * {@code svd.<id>} ({@link #baseName}). A service is absent without cgroups, when its process is
     * gone, or when the process is in a cgroup of its own making. Reads the mount table once.
     */
    public static java.util.Map<String, Path> placed(java.util.Map<String, Integer> mainPids) {
        java.util.Map<String, Path> out = new java.util.HashMap<>();
        if (mainPids.isEmpty()) {
            return out;
        }
        String mountinfo = read(Path.of("/proc/self/mountinfo"));
        mainPids.forEach((service, pid) -> {
            Optional<Path> dir = locate(mountinfo, read(Path.of("/proc/" + pid + "/cgroup"))).dir();
            if (dir.isPresent() && isServiceDir(dir.get(), service)) {
                out.put(service, dir.get());
            }
        });
        return out;
    }

    static boolean isServiceDir(Path dir, String service) {
        Path parent = dir.getParent();
        return dir.getFileName() != null && dir.getFileName().toString().equals(service + SUFFIX)
                && parent != null && parent.getFileName() != null && parent.getFileName().toString().startsWith("svd.");
    }

    /** The pids in the cgroup {@code dir} (cgroup.procs); empty when it has none or does not exist. */
    public static List<Integer> members(Path dir) {
        List<Integer> out = new ArrayList<>();
        String procs;
        try {
            procs = Files.readString(dir.resolve("cgroup.procs"));
        } catch (IOException e) {
            return out;
        }
        for (String line : procs.split("\n")) {
            if (!line.isBlank()) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        return out;
    }

    /**
     * Whether a live process is in the service's cgroup ("populated 1" in cgroup.events). Asked after
     * every exit of the service's main process, before the exit is reported: one open, read and
     * close through {@link ReapCalls} (docs/benchmarks.md, "Restart after SIGKILL: the path").
     */
    boolean populated(String service) {
        int fd = ReapCalls.openRead(eventsPaths.computeIfAbsent(service,
                s -> ReapCalls.path(dir(s).resolve("cgroup.events").toString())));
        if (fd < 0) {
            return Native.getLastError() != ReapCalls.ENOENT && !members(service).isEmpty(); // no such cgroup: empty
        }
        byte[] buffer = new byte[256];
        long n;
        try {
            n = ReapCalls.read(fd, buffer, buffer.length);
        } finally {
            ReapCalls.close(fd);
        }
        String events = n > 0 ? new String(buffer, 0, (int) n, StandardCharsets.US_ASCII) : "";
        for (String line : events.split("\n")) {
            if (line.startsWith("populated ")) {
                return !line.equals("populated 0");
            }
        }
        return !members(service).isEmpty();
    }

    /** SIGKILLs every process in the service's cgroup: cgroup.kill, or each member when the kernel has none. */
    void kill(String service) {
        Path dir = dir(service);
        if (hasKill) {
            try {
                write(dir.resolve("cgroup.kill"), "1");
                return;
            } catch (NoSuchFileException e) {
                return; // no such cgroup: nothing in it
            } catch (IOException e) {
                log.warn("{}: cannot write {}: {}; killing its members one by one", service, dir.resolve("cgroup.kill"),
                        e.getMessage());
            }
        }
        for (int pid : members(service)) {
            sigkill.accept(pid);
        }
    }

    /**
     * Removes the service's cgroup once it is empty; one that is not is left for the next start to
     * reuse. Called after the exit is reported, so that the restart does not wait for it; {@link
     * #place} makes the cgroup again if this removal comes between its mkdir and its write.
     */
    void remove(String service) {
        Path dir = dir(service);
        if (ReapCalls.rmdir(ReapCalls.path(dir.toString())) != 0) {
            int errno = Native.getLastError();
            if (errno != ReapCalls.ENOENT) {
                log.debug("{}: cgroup {} not removed: errno {}", service, dir, errno);
            }
        }
    }

    /**
     * Before any service starts: kills what is left in the cgroups of an earlier svd with the same
     * state dir (processes that left the groups its ledger recorded), except {@code keep} (services
     * adopted from it), and removes those cgroups.
     */
    public void clearLeftovers(Set<String> keep) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, p -> p.getFileName().toString().endsWith(SUFFIX))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                String service = name.substring(0, name.length() - SUFFIX.length());
                if (keep.contains(service) || !Files.isDirectory(dir)) {
                    continue;
                }
                List<Integer> left = members(service);
                if (!left.isEmpty()) {
                    log.warn("{}: processes {} were left in cgroup {} by an earlier svd; killing them", service, left, dir);
                    kill(service);
                }
                remove(service);
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", base, e.getMessage());
        }
    }

    /**
     * Removes svd's cgroup directory when no service cgroup is left in it; first every empty service
     * cgroup, since the last exits' removals ({@link #remove}, after their report) may not have run yet.
     */
    @Override
    public void close() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, p -> p.getFileName().toString().endsWith(SUFFIX))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                remove(name.substring(0, name.length() - SUFFIX.length()));
            }
        } catch (IOException e) {
            log.debug("cannot list {}: {}", base, e.getMessage());
        }
        try {
            Files.deleteIfExists(base);
        } catch (IOException e) {
            log.debug("cgroup {} not removed: {}", base, e.getMessage());
        }
    }

    /** One write(2) per value: cgroup.procs takes one pid per write. */
    private static void write(Path file, String value) throws IOException {
        Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
