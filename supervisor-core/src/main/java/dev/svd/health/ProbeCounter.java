package dev.svd.health;

import dev.svd.lifecycle.Health;
import java.util.Optional;

/**
 * Turns a stream of probe results into health: {@code success-threshold} passes in a row make a
 * service healthy, {@code failure-threshold} failures in a row unhealthy; until either, it is
 * unknown. Pure; one owner (the engine thread).
 */
public final class ProbeCounter {
    private final int successThreshold;
    private final int failureThreshold;
    private Health health = Health.UNKNOWN;
    private int successes;
    private int failures;

    public ProbeCounter(int successThreshold, int failureThreshold) {
        if (successThreshold < 1 || failureThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1 (were " + successThreshold + ", "
                    + failureThreshold + ")");
        }
        this.successThreshold = successThreshold;
        this.failureThreshold = failureThreshold;
    }

    /** Counts one result; answers the new health when this result changed it. */
    public Optional<Health> record(boolean ok) {
        if (ok) {
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
    }
}
