package dev.svd.config;

import java.time.Duration;

/** How a service is stopped: {@code signal} to its process group, then SIGKILL after {@code timeout}. */
public record StopSpec(Signal signal, Duration timeout) {
    public static final StopSpec DEFAULT = new StopSpec(Signal.TERM, Duration.ofSeconds(10));
}
