package dev.svd.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code svctl reload NAME} does: run {@code check} (if any; a failure stops the reload and
 * no signal is sent), send {@code signal} to the main process, then wait until {@code confirm} is
 * seen, at most {@code timeout}. A line of the service's output that contains {@code failureMark}
 * after the signal ends the wait at once as a failed reload (nginx: {@code [emerg]}).
 */
public record ReloadSpec(List<String> check, Signal signal, Confirm confirm, Duration timeout,
                         Optional<String> failureMark) {
    public static final ReloadSpec DEFAULT = new ReloadSpec(List.of(), Signal.HUP, Confirm.NONE, Duration.ofSeconds(10));

    public ReloadSpec {
        check = List.copyOf(check);
        failureMark = failureMark.filter(m -> !m.isEmpty());
    }

    /** A reload that watches no output for failures. */
    public ReloadSpec(List<String> check, Signal signal, Confirm confirm, Duration timeout) {
        this(check, signal, confirm, timeout, Optional.empty());
    }

    /** How svd knows a reload took effect. */
    public enum Confirm {
        /** Sending the signal is all. */
        NONE,
        /**
         * The main process replaced its worker processes (nginx and gunicorn on HUP), and none of
         * its old workers holds a listening socket any more, so every new connection reaches a new
         * worker (docs/configuration.md, {@code reload.confirm}).
         */
        WORKERS,
        /**
         * The service says so itself: {@code RELOADING=1} and then {@code READY=1} on its
         * {@code NOTIFY_SOCKET} (sd_notify(3), systemd.service(5) Type=notify-reload; docs/notify.md).
         */
        NOTIFY;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
