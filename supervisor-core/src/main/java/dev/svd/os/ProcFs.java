package dev.svd.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
     */
    public static List<Integer> childrenOfAllThreads(int pid) {
        Path tasks = PROC.resolve(Integer.toString(pid)).resolve("task");
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
            for (Path task : dirs) {
                String list;
                try {
                    list = Files.readString(task.resolve("children"));
                } catch (java.nio.file.NoSuchFileException e) {
                    if (!Files.exists(task)) {
                        continue; // the thread ended meanwhile
                    }
                    return childrenOf(pid); // no CONFIG_PROC_CHILDREN
                }
                for (String c : list.trim().split(" ")) {
                    if (!c.isEmpty()) {
                        out.add(Integer.parseInt(c));
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** Field 5 of /proc/PID/stat: the process group, or -1 when the process is gone. */
    public static int processGroup(int pid) {
        String stat = stat(pid);
        if (stat == null) {
            return -1;
        }
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4)[2]);
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
