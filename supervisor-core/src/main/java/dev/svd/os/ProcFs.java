package dev.svd.os;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads process facts from /proc (proc(5)). Stateless; any thread. */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /** Pids whose parent is {@code ppid}, zombies included. */
    public static List<Integer> childrenOf(int ppid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                int pid = Integer.parseInt(dir.getFileName().toString());
                if (parentOf(pid) == ppid) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * The children of every thread of {@code pid}, from /proc/PID/task/TID/children (proc(5); a
     * process's children hang on the thread that forked them, orphans on any thread of a
     * subreaper). Zombies included. On a kernel without CONFIG_PROC_CHILDREN, the whole of /proc
     * is scanned for the parent instead. Empty when the process is gone.
     * Read after every exit of a service's main process, so with few system calls and little Java:
     * the directory listed by one native call, each file opened, read and closed through
     * {@link ReapCalls} into one buffer (NIO's way was open, fstat, read, read, close per file and a
     * dozen calls for the listing; docs/benchmarks.md, "Restart after SIGKILL: the path").
     */
    public static List<Integer> childrenOfAllThreads(int pid) {
        String tasks = "/proc/" + pid + "/task/";
        List<Integer> out = new ArrayList<>();
        String[] tids = new java.io.File(tasks).list();
        if (tids == null) {
            return out; // the process is gone
        }
        byte[] chunk = new byte[4096];
        // "/proc/PID/task/" TID "/children" NUL, built in place: a thread id is at most 10 digits
        byte[] path = java.util.Arrays.copyOf(tasks.getBytes(StandardCharsets.US_ASCII), tasks.length() + 10 + CHILDREN.length);
        for (String tid : tids) {
            int end = tasks.length();
            for (int i = 0; i < tid.length() && i < 10; i++) {
                path[end++] = (byte) tid.charAt(i);
            }
            System.arraycopy(CHILDREN, 0, path, end, CHILDREN.length);
            int fd = ReapCalls.openRead(path);
            if (fd < 0) {
                if (Native.getLastError() != ReapCalls.ENOENT) {
                    return out;
                }
                if (!new java.io.File(tasks + tid).exists()) {
                    continue; // the thread ended meanwhile
                }
                return childrenOf(pid); // no CONFIG_PROC_CHILDREN
            }
            try {
                // Pids separated by spaces, parsed in place: svd's own list holds every service's
                // main process and is read at each stop and exit (no String or split per pid).
                int n = -1;
                long r;
                while ((r = ReapCalls.read(fd, chunk, chunk.length)) > 0) {
                    for (int i = 0; i < r; i++) {
                        byte b = chunk[i];
                        if (b >= '0' && b <= '9') {
                            n = (n < 0 ? 0 : n * 10) + (b - '0');
                        } else if (n >= 0) {
                            out.add(n);
                            n = -1;
                        }
                    }
                }
                if (n >= 0) {
                    out.add(n);
                }
                if (r < 0) {
                    return out;
                }
            } finally {
                ReapCalls.close(fd);
            }
        }
        return out;
    }

    private static final byte[] CHILDREN = "/children\0".getBytes(StandardCharsets.US_ASCII);

    /** Field 5 of /proc/PID/stat: the process group, or -1 when the process is gone. */
    public static int processGroup(int pid) {
        String stat = stat(pid);
        if (stat == null) {
            return -1;
        }
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4)[2]);
    }

    /** The pids of process group {@code pgid}, zombies included (a scan of /proc). */
    public static List<Integer> groupMembers(int pgid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                int pid = Integer.parseInt(dir.getFileName().toString());
                if (processGroup(pid) == pgid) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Whether the environment {@code pid} was exec'd with (/proc/PID/environ, proc(5)) holds the
     * entry {@code entry} ("NAME=value"). A process may change its environment in its own memory,
     * but this file shows the block the kernel gave it at exec. False when it cannot be read.
     */
    public static boolean environmentHas(int pid, String entry) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(PROC.resolve(pid + "/environ"));
        } catch (IOException e) {
            return false;
        }
        byte[] want = entry.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == 0) {
                if (i - start == want.length && java.util.Arrays.equals(raw, start, i, want, 0, want.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /** The parent pid, or -1 when the process is gone. */
    public static int parentOf(int pid) {
        String stat = stat(pid);
        if (stat == null) {
            return -1;
        }
        // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[1]);
    }

    /** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot; -1 when gone. */
    public static long startTime(int pid) {
        String stat = stat(pid);
        if (stat == null) {
            return -1;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[19]);
    }

    /**
     * Whether a process that is not a zombie belongs to process group {@code pgid}. kill(-pgid, 0)
     * also succeeds for a group of zombies, which an init that reaps late (or not at all) keeps
     * around; such a group has nothing left to stop. Scans /proc: for rare checks only.
     */
    public static boolean groupHasLiveMembers(int pgid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                String stat = stat(Integer.parseInt(dir.getFileName().toString()));
                if (stat == null) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (Integer.parseInt(f[2]) == pgid && !isZombie(f[0])) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true; // cannot tell: assume something is there
        }
        return false;
    }

    /** When a process whose {@link #startTime} is {@code ticks} started: boot time (/proc/stat btime) plus ticks at 100 Hz. */
    public static java.time.Instant startInstant(long ticks) {
        try {
            for (String line : Files.readAllLines(PROC.resolve("stat"))) {
                if (line.startsWith("btime ")) {
                    long boot = Long.parseLong(line.substring(6).trim());
                    return java.time.Instant.ofEpochSecond(boot).plusMillis(ticks * 10);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return java.time.Instant.now();
    }

    /**
     * The wait status (as waitpid(2) gives it) of {@code pid}, if it is a zombie that started at
     * {@code startTime}: field 52 of /proc/PID/stat. Empty once its parent has reaped it.
     */
    public static java.util.OptionalInt zombieWaitStatus(int pid, long startTime) {
        String stat = stat(pid);
        if (stat == null) {
            return java.util.OptionalInt.empty();
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        if (!isZombie(f[0]) || f.length < 50 || Long.parseLong(f[19]) != startTime) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(Integer.parseInt(f[49]));
    }

    /** Whether {@code pid} exists and is not a zombie. */
    public static boolean liveProcess(int pid) {
        String stat = stat(pid);
        return stat != null && !isZombie(stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0]);
    }

    private static boolean isZombie(String state) {
        return state.equals("Z") || state.equals("X");
    }

    /** The process's command line joined by spaces, or its comm for kernel threads and zombies. */
    public static String command(int pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(pid + "/cmdline"));
            if (raw.length > 0) {
                return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            }
            String stat = stat(pid);
            return stat == null ? "?" : stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Which of {@code pids} hold a listening socket, seen from the network namespace of
     * {@code netPid}: a descriptor in /proc/PID/fd that links to {@code socket:[INODE]}, where INODE
     * is a TCP socket in state LISTEN ({@code 0A}) in /proc/NETPID/net/tcp or tcp6, or a Unix socket
     * that accepts connections (flag {@code __SO_ACCEPTCON}, {@code 00010000}) in net/unix (proc(5)).
     * A process that is gone or a zombie holds none; one whose descriptors cannot be read (another
     * user's, without the right to look) counts as holding one, since nobody can tell. The network
     * tables are read only when some process holds a socket at all.
     */
    public static Set<Integer> holdingListeningSockets(int netPid, Collection<Integer> pids) {
        Set<Integer> holding = new HashSet<>();
        Map<Integer, Set<Long>> sockets = new HashMap<>();
        for (int pid : pids) {
            if (!liveProcess(pid)) {
                continue;
            }
            try {
                Set<Long> inodes = socketInodes(pid);
                if (!inodes.isEmpty()) {
                    sockets.put(pid, inodes);
                }
            } catch (NoSuchFileException gone) {
                // ended meanwhile: holds nothing
            } catch (IOException unreadable) {
                holding.add(pid);
            }
        }
        if (sockets.isEmpty()) {
            return holding;
        }
        Set<Long> listening = listeningInodes(netPid);
        sockets.forEach((pid, inodes) -> {
            if (inodes.stream().anyMatch(listening::contains)) {
                holding.add(pid);
            }
        });
        return holding;
    }

    /** The inodes of the sockets {@code pid} has open (its /proc/PID/fd links {@code socket:[N]}). */
    private static Set<Long> socketInodes(int pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (NoSuchFileException closed) {
                    continue; // closed since the listing
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    inodes.add(Long.parseLong(target, 8, target.length() - 1, 10));
                }
            }
        }
        return inodes;
    }

    /** Inodes of the listening TCP (v4, v6) and Unix sockets in the network namespace of {@code netPid}. */
    private static Set<Long> listeningInodes(int netPid) {
        Set<Long> inodes = new HashSet<>();
        Path net = PROC.resolve(netPid + "/net");
        for (String table : List.of("tcp", "tcp6")) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            for (String[] f : rows(net.resolve(table))) {
                if (f.length > 9 && f[3].equals("0A") && isNumber(f[9])) {
                    inodes.add(Long.parseLong(f[9]));
                }
            }
        }
        // Num RefCount Protocol Flags Type St Inode [Path]
        for (String[] f : rows(net.resolve("unix"))) {
            if (f.length > 6 && f[3].matches("[0-9A-Fa-f]{1,16}") && isNumber(f[6])
                    && (Long.parseLong(f[3], 16) & 0x10000) != 0) {
                inodes.add(Long.parseLong(f[6]));
            }
        }
        return inodes;
    }

    /**
     * CPU time and resident memory, from fields 14 and 15 (utime, stime, in clock ticks: 100 per second on
     * Linux, as {@link #startInstant} assumes) and 24 (rss, in pages: 4 KiB, the page size of x86-64 and of
     * arm64's usual kernels) of /proc/PID/stat.
     */
    public record Usage(double cpuSeconds, long residentBytes) {
        static final double TICKS_PER_SECOND = 100;
        static final long PAGE_SIZE = 4096;

        static Usage of(String[] fieldsAfterComm) {
            return new Usage((Long.parseLong(fieldsAfterComm[11]) + Long.parseLong(fieldsAfterComm[12])) / TICKS_PER_SECOND,
                    Long.parseLong(fieldsAfterComm[21]) * PAGE_SIZE);
        }

        Usage plus(Usage other) {
            return new Usage(cpuSeconds + other.cpuSeconds, residentBytes + other.residentBytes);
        }
    }

    /**
     * The summed usage of the live processes of each of {@code groups} (process group ids), from one scan
     * of /proc; a group without a member is absent.
     */
    public static Map<Integer, Usage> groupUsage(Set<Integer> groups) {
        Map<Integer, Usage> usage = new HashMap<>();
        ProcessUsage.ofGroups(groups, Map.of()).forEach((group, sample) -> usage.put(group, sample.usage()));
        return usage;
    }

    /** svd's own usage (/proc/self/stat); zero when it cannot be read. */
    public static Usage selfUsage() {
        try {
            String stat = Files.readString(PROC.resolve("self/stat"));
            return Usage.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        } catch (IOException e) {
            return new Usage(0, 0);
        }
    }

    /** The rows of a /proc/net table after its header, split at blanks; none when it cannot be read. */
    private static List<String[]> rows(Path table) {
        List<String[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                rows.add(line.trim().split("\\s+"));
            }
        } catch (IOException e) {
            return rows;
        }
        return rows;
    }

    private static String stat(int pid) {
        try {
            return Files.readString(PROC.resolve(pid + "/stat"));
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
