package dev.svd.text;

import java.time.Duration;
import java.util.Locale;

/** Durations as svd's messages and logs show them. */
public final class Durations {
    private Durations() {
    }

    /** "1.5s", "200ms", "2m" for messages. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
