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
 * CPU time and resident memory of each service's processes ({@link ProcFs.Usage}, from /proc/PID/stat),
 * in one scan of /proc: every process of its process group (whose id is its main pid, docs/daemon.md)
 * and, where svd placed the service in a cgroup ({@link ServiceCgroups#placed}), every member of that
 * cgroup that left the group; with how many processes were counted. {@link ProcFs#groupUsage} is the
 * same without the cgroup members and the count. Used by {@code svctl top} (control). Stateless; any thread.
 */
public final class ProcessUsage {
    private static final Path PROC = Path.of("/proc");

    /** A service's usage and how many processes it sums. */
    public record Sample(ProcFs.Usage usage, int processes) {
        Sample plus(Sample other) {
            return new Sample(usage.plus(other.usage), processes + other.processes);
        }
    }

    /** One process as its stat line gives it: its pid, its group and its own usage. */
    record Entry(int pid, int group, ProcFs.Usage usage) {}

    private ProcessUsage() {}

    /**
     * The usage of each of {@code groups}, each with the processes {@code also} lists for it that are
     * outside the group (a service's cgroup members that made a group of their own); counted once each.
     * A group with no live member and nothing else is absent.
     */
    public static Map<Integer, Sample> ofGroups(Set<Integer> groups, Map<Integer, ? extends Collection<Integer>> also) {
        Map<Integer, Integer> extra = new HashMap<>();
        also.forEach((group, pids) -> pids.forEach(pid -> extra.putIfAbsent(pid, group)));
        Map<Integer, Sample> usage = new HashMap<>();
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
                    usage.merge(owner, new Sample(entry.usage(), 1), Sample::plus);
                }
            }
        } catch (IOException e) {
            return usage;
        }
        return usage;
    }

    /**
     * One /proc/PID/stat line: field 1 the pid, 2 the comm in parentheses (which may hold spaces and
     * parentheses: the fields go on after the last ')'), 5 the group, then {@link ProcFs.Usage}'s.
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
            return Optional.of(new Entry(Integer.parseInt(stat.substring(0, open).trim()), Integer.parseInt(f[2]),
                    ProcFs.Usage.of(f)));
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
