package dev.svd.config;

import java.time.Duration;

/** More than {@code burst} starts within {@code interval} puts a service in {@code failed}. */
public record StartLimitSpec(int burst, Duration interval) {
    public static final StartLimitSpec DEFAULT = new StartLimitSpec(5, Duration.ofSeconds(60));
}
