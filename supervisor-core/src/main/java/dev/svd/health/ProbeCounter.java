package dev.svd.health;

import dev.svd.lifecycle.Health;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a stream of probe results into health: {@code success-threshold} passes in a row make a
 * service healthy, {@code failure-threshold} failures in a row unhealthy; until either, it is
 * unknown. A liveness probe's failures before its first pass and before the end of its
 * {@code start-period} are not counted (Docker's HEALTHCHECK {@code --start-period}; docs/health.md).
 * Pure, the time of each result is given; one owner (the engine thread).
 */
public final class ProbeCounter {
    private final int successThreshold;
    private final int failureThreshold;
    private final Instant startPeriodEnd;
    private Health health = Health.UNKNOWN;
    private int successes;
    private int failures;
    private boolean passed;

    /** Every failure counts (readiness). */
    public ProbeCounter(int successThreshold, int failureThreshold) {
        this(successThreshold, failureThreshold, Instant.MIN);
    }

    /** Failures before the first pass count only from {@code startPeriodEnd} on (liveness). */
    public ProbeCounter(int successThreshold, int failureThreshold, Instant startPeriodEnd) {
        if (successThreshold < 1 || failureThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1 (were " + successThreshold + ", "
                    + failureThreshold + ")");
        }
        this.successThreshold = successThreshold;
        this.failureThreshold = failureThreshold;
        this.startPeriodEnd = startPeriodEnd;
    }

    /** Counts one result that came at {@code at}; answers the new health when this result changed it. */
    public Optional<Health> record(boolean ok, Instant at) {
        if (!ok && !passed && at.isBefore(startPeriodEnd)) {
            return Optional.empty(); // still in the start period: the process may not be listening yet
        }
        return record(ok);
    }

    /** Counts one result, whenever it came. */
    public Optional<Health> record(boolean ok) {
        if (ok) {
            passed = true;
            successes++;
            failures = 0;
        } else {
            failures++;
            successes = 0;
        }
        Health next = successes >= successThreshold ? Health.HEALTHY
                : failures >= failureThreshold ? Health.UNHEALTHY : health;
        if (next == health) {
            return Optional.empty();
        }
        health = next;
        return Optional.of(next);
    }

    public Health health() {
        return health;
    }

    /** Failures in a row so far, for "3 of 3 failed" in messages. */
    public int failuresInARow() {
        return failures;
    }

    /** Back to unknown, for a new process. */
    public void reset() {
        health = Health.UNKNOWN;
        successes = 0;
        failures = 0;
        passed = false;
    }
}
