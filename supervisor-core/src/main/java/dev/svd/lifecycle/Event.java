package dev.svd.lifecycle;

import java.time.Instant;

/** Something that happened to a service; the input of {@link Lifecycle#apply}. Past tense by convention. */
public sealed interface Event {
    /** Someone wants the service up. {@code byOperator} also clears a start limit and the crash count. */
    record StartRequested(boolean byOperator) implements Event {}

    /** Someone wants the service down. */
    record StopRequested() implements Event {}

    /** Stop, then start again (svctl restart). */
    record RestartRequested() implements Event {}

    /** The engine spawned the process asked for by a {@link Effect.Spawn}. */
    record Spawned(int pid, Instant at) implements Event {}

    /**
     * A process group a killed svd left running was taken over as this service's process
     * ({@code on-leftover = adopt}); it started at {@code startedAt}.
     */
    record Adopted(int pid, Instant startedAt) implements Event {}

    /**
     * The process could not be spawned. {@code temporary}: svd itself was short of a resource (file
     * descriptors), so a later try may work and the service backs off and retries; otherwise
     * (missing binary, bad directory, no permission) the service fails until an operator starts it.
     */
    record SpawnFailed(String cause, boolean temporary) implements Event {
        /** A failure that trying again will not mend. */
        public SpawnFailed(String cause) {
            this(cause, false);
        }
    }

    /** The main process ended and its process group is empty. */
    record ProcessExited(int pid, ExitStatus status) implements Event {}

    /** The readiness probe of process {@code pid} passed: dependents may start. */
    record ReadyPassed(int pid) implements Event {}

    /** The liveness probe of process {@code pid} failed failure-threshold times in a row. */
    record HealthFailed(int pid, String detail) implements Event {}

    /**
     * The liveness of process {@code pid} by notification failed: no {@code WATCHDOG=1} within the
     * service's watchdog interval, or {@code WATCHDOG=trigger} (docs/notify.md). {@code detail}
     * says which, in operator words ("watchdog: no WATCHDOG=1 for 10s").
     */
    record WatchdogMissed(int pid, String detail) implements Event {}

    /**
     * Process {@code pid}, the service's main process, sent a notification that svd accepted as the
     * service's (docs/notify.md); the engine has checked that the sender belongs to the service.
     */
    record Notified(int pid, Notice notice) implements Event {}

    /** One thing a notification says; a datagram with several assignments gives several events. */
    sealed interface Notice {
        /** {@code READY=1}. */
        record Ready() implements Notice {}

        /** {@code RELOADING=1}. */
        record Reloading() implements Notice {}

        /** {@code STOPPING=1}. */
        record Stopping() implements Notice {}

        /** {@code STATUS=text}. */
        record Status(String text) implements Notice {}

        /** {@code MAINPID=pid}, already checked to be a process of the service. */
        record MainPid(int pid) implements Notice {}

        /** {@code EXTEND_TIMEOUT_USEC=}: the start or stop timeout runs at least {@code by} from now. */
        record ExtendTimeout(java.time.Duration by) implements Notice {}
    }

    /** A timer armed by {@link Effect.ArmTimer} ran out. Ignored unless its generation is current. */
    record TimerFired(TimerKind kind, long generation) implements Event {}
}
