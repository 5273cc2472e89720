package dev.svd.config;

import java.time.Duration;

/**
 * One {@code ready { ... }} or {@code health { ... }} block: what to check and how often.
 *
 * @param interval          time between the starts of two probes (no pile-up: at most one in flight)
 * @param timeout           a probe that takes longer fails with "timeout"
 * @param initialDelay      wait after the process starts before the first probe
 * @param failureThreshold  consecutive failures before the result counts (liveness: restart)
 * @param successThreshold  consecutive successes before the result counts
 * @param startTimeout      readiness only: a service not ready after this long fails its start
 * @param startPeriod       liveness only: failures before the first pass within this long after the
 *                          process started do not count (Docker's HEALTHCHECK --start-period); zero for readiness
 */
public record ProbeSpec(ProbeCheck check, Duration interval, Duration timeout, Duration initialDelay,
                        int failureThreshold, int successThreshold, Duration startTimeout, Duration startPeriod,
                        Origin origin) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READY_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Long enough for a Django app under gunicorn to import on a slow machine; docs/health.md. */
    public static final Duration DEFAULT_START_PERIOD = Duration.ofSeconds(30);
}
