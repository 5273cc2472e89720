package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.ServiceSpec;
import dev.svd.lifecycle.Effect.ArmTimer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Drives one service through {@link Lifecycle} the way the engine does, on a fake clock: it keeps
 * the current snapshot, remembers the timers the effects armed, and hands out fresh pids. Test
 * thread only; each test makes its own.
 */
final class Scenario {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String NAME = "web";

    final ServiceSpec spec;
    final Lifecycle lifecycle;
    ServiceSnapshot snapshot = ServiceSnapshot.initial(NAME);
    Instant now = T0;
    Transition last;
    private final Map<TimerKind, ArmTimer> armed = new EnumMap<>(TimerKind.class);
    private int nextPid = 4242;

    Scenario(ServiceSpec spec, double jitter) {
        this.spec = spec;
        this.lifecycle = new Lifecycle(() -> jitter);
    }

    static Scenario of(ServiceSpec spec) {
        return new Scenario(spec, 0.0);
    }

    static ServiceSpec spec() {
        return ServiceSpec.of(NAME, List.of("/bin/true"));
    }

    Transition apply(Event event) {
        last = lifecycle.apply(snapshot, spec, event, now);
        snapshot = last.next();
        for (Effect e : last.effects()) {
            if (e instanceof ArmTimer t) {
                armed.put(t.kind(), t);
            }
        }
        return last;
    }

    /** The event was ignored: the same snapshot came back and nothing is to be done. */
    static void assertIgnored(Transition t, ServiceSnapshot before) {
        assertThat(t.next()).as("snapshot after an ignored event").isEqualTo(before);
        assertThat(t.effects()).as("effects of an ignored event").isEmpty();
    }

    Scenario after(Duration d) {
        now = now.plus(d);
        return this;
    }

    Transition start() {
        return apply(new Event.StartRequested(false));
    }

    Transition operatorStart() {
        return apply(new Event.StartRequested(true));
    }

    Transition stop() {
        return apply(new Event.StopRequested());
    }

    Transition restart() {
        return apply(new Event.RestartRequested());
    }

    /** The engine's answer to a {@link Effect.Spawn}: a new process with a new pid. */
    int spawned() {
        int pid = nextPid++;
        apply(new Event.Spawned(pid, now));
        return pid;
    }

    Transition exit(int code) {
        return apply(new Event.ProcessExited(snapshot.pid(), ExitStatus.exited(code, now)));
    }

    Transition killedBy(int signal) {
        return apply(new Event.ProcessExited(snapshot.pid(), ExitStatus.killed(signal, now)));
    }

    /** The last timer of this kind the lifecycle armed, whether or not it is still current. */
    ArmTimer armed(TimerKind kind) {
        ArmTimer t = armed.get(kind);
        if (t == null) {
            throw new AssertionError("no " + kind + " timer was armed");
        }
        return t;
    }

    /** Lets the last armed timer of this kind run out: the clock moves by its delay, then it fires. */
    Transition fire(TimerKind kind) {
        ArmTimer t = armed(kind);
        now = now.plus(t.delay());
        return apply(new Event.TimerFired(kind, t.generation()));
    }

    /** Start, spawn, and wait out start-seconds if the spec has them: the service is running. */
    Scenario running() {
        start();
        spawned();
        if (snapshot.state() == ServiceState.STARTING) {
            fire(TimerKind.START_SECONDS);
        }
        return this;
    }

    /** A crash of the current process right now, answered with a spawn when the lifecycle asks for one. */
    Transition crashAndRespawn() {
        Transition t = exit(1);
        if (t.effects().contains(new Effect.Spawn())) {
            spawned();
        }
        return t;
    }
}
