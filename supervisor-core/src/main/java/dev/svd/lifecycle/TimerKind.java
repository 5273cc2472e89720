package dev.svd.lifecycle;

/** The timers of the lifecycle; each is armed by an effect and comes back as an event. */
public enum TimerKind {
    /** start-seconds passed: a starting service becomes running. */
    START_SECONDS,
    /** The backoff delay passed: spawn again. */
    BACKOFF,
    /** stop.timeout passed: escalate to SIGKILL. */
    STOP_TIMEOUT,
    /** ready.start-timeout passed: a process still not ready is stopped and the service fails. */
    READY_TIMEOUT
}
