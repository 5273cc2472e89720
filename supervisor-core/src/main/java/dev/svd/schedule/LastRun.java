package dev.svd.schedule;

import java.time.Instant;

/** What svd remembers of a job's last finished run, in memory and in {@code state-dir/jobs/NAME.last-run} ({@link LastRunStore}). Immutable. */
public record LastRun(Instant started, Instant ended, boolean ok, String result) {
}
