package dev.svd.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CPU time and resident memory of a service's processes, summed from /proc/PID/stat (proc(5)) in one
 * scan of /proc: every process of its process group (whose id is the main pid, docs/daemon.md) and,
 * where svd placed the service in a cgroup ({@link ServiceCgroups}), every member of that cgroup that
 * left the group. Fields 14 and 15 (utime, stime) are in clock ticks, 100 per second on Linux (as
 * {@link ProcFs#startInstant} assumes); field 24 (rss) in pages, taken as 4 KiB (the page size of
 * x86-64 and of arm64's usual kernels). Used by {@code svctl top} (control) and can serve /metrics.
 * Stateless; any thread.
 */
public final class ProcessUsage {
    public static final long TICKS_PER_SECOND = 100;
    public static final long PAGE_SIZE = 4096;
    private static final Path PROC = Path.of("/proc");

    /** CPU time (user and system, milliseconds), resident bytes and the number of processes counted. */
    public record Usage(long cpuMillis, long residentBytes, int processes) {
        public static final Usage NONE = new Usage(0, 0, 0);

        public Usage plus(Usage other) {
            return new Usage(cpuMillis + other.cpuMillis, residentBytes + other.residentBytes, processes + other.processes);
        }

        public double cpuSeconds() {
            return cpuMillis / 1000.0;
        }
    }

    /** One process as its stat line gives it: its group and its own usage. */
    record Entry(int pid, int group, Usage usage) {}

    private ProcessUsage() {}

    /** The usage of each of {@code groups} that has a live member; a group without one is absent. */
    public static Map<Integer, Usage> ofGroups(Set<Integer> groups) {
        return ofGroups(groups, Map.of());
    }

    /**
     * The usage of each of {@code groups}, each with the processes {@code also} lists for it that are
     * outside the group (a service's cgroup members that made a group of their own); counted once each.
     * A group with no live member and nothing else is absent.
     */
    public static Map<Integer, Usage> ofGroups(Set<Integer> groups, Map<Integer, ? extends Collection<Integer>> also) {
        Map<Integer, Integer> extra = new HashMap<>();
        also.forEach((group, pids) -> pids.forEach(pid -> extra.putIfAbsent(pid, group)));
        Map<Integer, Usage> usage = new HashMap<>();
        if (groups.isEmpty() && extra.isEmpty()) {
            return usage;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException e) {
                    continue; // gone since the listing
                }
                Optional<Entry> e = parse(stat);
                if (e.isEmpty()) {
                    continue;
                }
                Entry entry = e.get();
                Integer owner = groups.contains(entry.group()) ? Integer.valueOf(entry.group()) : extra.get(entry.pid());
                if (owner != null) {
                    usage.merge(owner, entry.usage(), Usage::plus);
                }
            }
        } catch (IOException e) {
            return usage;
        }
        return usage;
    }

    /** svd's own process (/proc/self/stat). */
    public static Usage self() {
        try {
            return parse(Files.readString(PROC.resolve("self/stat"))).map(Entry::usage).orElse(Usage.NONE);
        } catch (IOException e) {
            return Usage.NONE;
        }
    }

    /**
     * One /proc/PID/stat line: field 1 the pid, 2 the comm in parentheses (which may hold spaces and
     * parentheses: the fields go on after the last ')'), 5 the group, 14 and 15 utime and stime, 24 rss.
     * Empty for a line that does not parse.
     */
    static Optional<Entry> parse(String stat) {
        int open = stat.indexOf(" (");
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > stat.length()) {
            return Optional.empty();
        }
        String[] f = stat.substring(close + 2).trim().split(" ");
        if (f.length < 22) {
            return Optional.empty();
        }
        try {
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return Optional.of(new Entry(Integer.parseInt(stat.substring(0, open).trim()), Integer.parseInt(f[2]),
                    new Usage(ticks * 1000 / TICKS_PER_SECOND, Math.max(0, Long.parseLong(f[21])) * PAGE_SIZE, 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
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
