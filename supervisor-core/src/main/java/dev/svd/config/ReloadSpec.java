package dev.svd.config;

import java.time.Duration;
import java.util.List;

/**
 * What {@code svctl reload NAME} does: run {@code check} (if any; a failure stops the reload and
 * no signal is sent), send {@code signal} to the main process, then wait until {@code confirm} is
 * seen, at most {@code timeout}.
 */
public record ReloadSpec(List<String> check, Signal signal, Confirm confirm, Duration timeout) {
    public static final ReloadSpec DEFAULT = new ReloadSpec(List.of(), Signal.HUP, Confirm.NONE, Duration.ofSeconds(10));

    public ReloadSpec {
        check = List.copyOf(check);
    }

    /** How svd knows a reload took effect. */
    public enum Confirm {
        /** Sending the signal is all. */
        NONE,
        /** The main process replaced its worker processes (nginx and gunicorn on HUP). */
        WORKERS;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
