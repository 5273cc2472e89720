package dev.svd.config;

import java.time.Duration;

/**
 * Delay between automatic restarts: the first restart after a crash is immediate, later ones wait
 * {@code initial}, doubling up to {@code max}, with jitter. The count resets once a process has
 * stayed up for {@code stableAfter}.
 */
public record BackoffSpec(Duration initial, Duration max, Duration stableAfter) {
    public static final BackoffSpec DEFAULT =
            new BackoffSpec(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(10));
}
