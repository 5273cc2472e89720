package dev.svd.schedule;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A published view of one job for {@code svctl jobs}: its schedule, the next scheduled time (before
 * the random delay), whether it is running, and its last run. Immutable; times are in svd's time zone.
 *
 * @param lastRun the last finished run, also from before svd started when it is persistent
 */
public record JobSnapshot(String name, String schedule, String description, Duration randomDelay, Duration timeout,
                          boolean persistent, Optional<ZonedDateTime> nextRun, Optional<ZonedDateTime> runningSince,
                          Optional<LastRun> lastRun) {
}
