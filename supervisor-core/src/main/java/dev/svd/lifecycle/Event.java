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

    /** A timer armed by {@link Effect.ArmTimer} ran out. Ignored unless its generation is current. */
    record TimerFired(TimerKind kind, long generation) implements Event {}
}
