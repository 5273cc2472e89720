package dev.svd.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A published view of one job for {@code svctl jobs}: its schedule, the next scheduled time (before
 * the random delay), whether it is running, and its last run. Immutable; times are in svd's time zone.
 *
 * @param lastRun     the last finished run, also from before svd started when it is persistent
 * @param lastSuccess when the last successful run ended: since svd started, or the recorded last run's if it
 *                    succeeded (only the last run is recorded in state-dir)
 */
public record JobSnapshot(String name, String schedule, String description, Duration randomDelay, Duration timeout,
                          boolean persistent, Optional<ZonedDateTime> nextRun, Optional<ZonedDateTime> runningSince,
                          Optional<LastRun> lastRun, Optional<Instant> lastSuccess) {
    /** A job whose last success is its last run's, if that succeeded. */
    public JobSnapshot(String name, String schedule, String description, Duration randomDelay, Duration timeout,
                       boolean persistent, Optional<ZonedDateTime> nextRun, Optional<ZonedDateTime> runningSince,
                       Optional<LastRun> lastRun) {
        this(name, schedule, description, randomDelay, timeout, persistent, nextRun, runningSince, lastRun,
                lastRun.filter(LastRun::ok).map(LastRun::ended));
    }
}
