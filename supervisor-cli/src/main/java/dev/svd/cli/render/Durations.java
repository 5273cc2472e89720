package dev.svd.cli.render;

import dev.svd.cli.UsageException;

/** Durations as operators type and read them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 3d4h}. */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a bare number of seconds, into
     * milliseconds. Hand-written: no regex at svctl's startup.
     */
    public static long parseMillis(String text, String what) throws UsageException {
        int i = 0;
        long n = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && i < 12) {
            n = n * 10 + (text.charAt(i) - '0');
            i++;
        }
        String unit = text.substring(i);
        long factor;
        switch (unit) {
            case "ms": factor = 1; break;
            case "": case "s": factor = 1000; break;
            case "m": factor = 60_000; break;
            case "h": factor = 3_600_000; break;
            default: factor = -1;
        }
        if (i == 0 || factor < 0 || n == 0) {
            throw new UsageException(what + ": expected a duration such as 500ms, 10s, 2m or 1h (was \"" + text + "\")");
        }
        return n * factor;
    }

    /** Compact uptime: {@code 42s}, {@code 3m12s}, {@code 2h05m}, {@code 3d4h} (as the status table shows it). */
    public static String formatSeconds(long s) {
        return dev.svd.protocol.StatusTable.uptime(s);
    }

    /** Milliseconds as {@code 120ms} or {@code 2.3s}. */
    public static String formatMillis(long ms) {
        if (ms < 1000) {
            return ms + "ms";
        }
        return (ms / 1000) + "." + ((ms % 1000) / 100) + "s";
    }
}
