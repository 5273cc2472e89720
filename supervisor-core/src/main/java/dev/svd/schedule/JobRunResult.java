package dev.svd.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One finished run of a job: when it started, how long it took, how it ended, and the last lines
 * of its output (oldest first). Immutable.
 *
 * @param trigger why it ran: {@code schedule}, {@code missed} (a run missed while svd was down) or {@code manual}
 */
public record JobRunResult(String job, String trigger, Instant started, Duration took, boolean ok, String result,
                           List<String> tail) {
    public JobRunResult {
        tail = List.copyOf(tail);
    }
}
