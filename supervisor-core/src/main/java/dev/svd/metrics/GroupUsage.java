package dev.svd.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU time and resident memory of whole process groups, summed from /proc/PID/stat (proc(5)): one scan of
 * /proc per scrape, so a service's workers count with its main process. Fields 14 and 15 (utime, stime) are
 * in clock ticks, 100 per second on Linux (as os.ProcFs.startInstant assumes); field 24 (rss) in pages,
 * taken as 4 KiB (the page size of x86-64 and of arm64's usual kernels).
 */
final class GroupUsage {
    static final double TICKS_PER_SECOND = 100;
    static final long PAGE_SIZE = 4096;
    private static final Path PROC = Path.of("/proc");

    /** CPU seconds and resident bytes of one process group. */
    record Usage(double cpuSeconds, long residentBytes) {
        Usage plus(Usage other) {
            return new Usage(cpuSeconds + other.cpuSeconds, residentBytes + other.residentBytes);
        }
    }

    private GroupUsage() {}

    /** The usage of each of {@code groups} that has a live member; a group without one is absent. */
    static Map<Integer, Usage> of(Set<Integer> groups) {
        Map<Integer, Usage> usage = new HashMap<>();
        if (groups.isEmpty()) {
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
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                int group = Integer.parseInt(f[2]);
                if (groups.contains(group)) {
                    Usage u = new Usage((Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
                            Long.parseLong(f[21]) * PAGE_SIZE);
                    usage.merge(group, u, Usage::plus);
                }
            }
        } catch (IOException e) {
            return usage;
        }
        return usage;
    }

    /** svd's own process (/proc/self/stat). */
    static Usage self() {
        try {
            String stat = Files.readString(PROC.resolve("self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Usage((Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
                    Long.parseLong(f[21]) * PAGE_SIZE);
        } catch (IOException e) {
            return new Usage(0, 0);
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
