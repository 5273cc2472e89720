package dev.svd.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A persistent job's catch-up (jobs.md, "Missed runs"): the first scheduled time after its last
 * run's start, if that has passed, and the delay before it runs. Pure: no clock, no threads.
 */
final class MissedRuns {
    private MissedRuns() {}

    /** The first time {@code cron} fired after {@code lastStart}, if that is not after {@code now}. */
    static Optional<Instant> missedFire(CronSchedule cron, Instant lastStart, Instant now) {
        return cron.nextAfter(lastStart).filter(next -> !next.isAfter(now));
    }

    /** A missed run waits a random part ({@code draw}, in [0, 1)) of {@code min(randomDelay, cap)}. */
    static Duration delay(Duration randomDelay, Duration cap, double draw) {
        return share(randomDelay.compareTo(cap) < 0 ? randomDelay : cap, draw);
    }

    /** {@code draw} (in [0, 1)) of {@code max}, to the millisecond. */
    static Duration share(Duration max, double draw) {
        return Duration.ofMillis((long) (draw * max.toMillis()));
    }
}
