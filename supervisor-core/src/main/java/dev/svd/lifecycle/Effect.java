package dev.svd.lifecycle;

import dev.svd.config.Signal;
import java.time.Duration;

/** What the engine must do after a transition; the output of {@link Lifecycle#apply}. Imperative by convention. */
public sealed interface Effect {
    /** Spawn the service's process; the engine answers with {@link Event.Spawned} or {@link Event.SpawnFailed}. */
    record Spawn() implements Effect {}

    /** Send a signal to the service's whole process group. */
    record SignalGroup(int pid, Signal signal) implements Effect {}

    /** Come back with {@link Event.TimerFired} after {@code delay}. */
    record ArmTimer(TimerKind kind, Duration delay, long generation) implements Effect {}
}
