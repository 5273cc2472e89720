package dev.svd.health;

import java.time.Duration;

/**
 * One probe in flight. Created, started, timed out and aborted on the prober's thread only; it
 * reports its verdict once, through the callback it was made with, on that thread too.
 */
interface Attempt {
    void start();

    /** The probe's time is up: release what it holds and answer why it took too long. */
    Verdict timedOut(Duration timeout);

    /** Cancelled: release what it holds and report nothing. */
    void abort();

    /** Extra time past the probe's timeout before the prober gives up, for checks that time out themselves. */
    default Duration grace() {
        return Duration.ZERO;
    }
}
