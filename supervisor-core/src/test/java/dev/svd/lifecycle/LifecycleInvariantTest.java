package dev.svd.lifecycle;

import static org.junit.jupiter.api.Assertions.fail;

import dev.svd.config.BackoffSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.StartLimitSpec;
import dev.svd.lifecycle.Effect.ArmTimer;
import dev.svd.lifecycle.Effect.SignalGroup;
import dev.svd.lifecycle.Effect.Spawn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random event sequences, delivered the way the engine delivers them, never produce a move outside
 * the table or a snapshot whose pid disagrees with its state. Seeded, so a failure replays.
 */
class LifecycleInvariantTest {
    private static final int EVENTS = 2_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 20261125})
    void randomEventSequencesKeepTheInvariants(long seed) {
        Random random = new Random(seed);
        for (RestartPolicy policy : RestartPolicy.values()) {
            ServiceSpec spec = Scenario.spec().withRestart(policy)
                    .withStartSeconds(Duration.ofMillis(random.nextInt(3) * 500L))
                    .withBackoff(new BackoffSpec(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(3)))
                    .withStartLimit(new StartLimitSpec(1 + random.nextInt(6), Duration.ofSeconds(10)));
            run(new Scenario(spec, random.nextDouble()), random, "seed " + seed + ", " + policy);
        }
    }

    private static void run(Scenario sc, Random random, String label) {
        List<ArmTimer> timers = new ArrayList<>();
        List<Event> trail = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            sc.after(Duration.ofMillis(random.nextInt(4) == 0 ? random.nextInt(12_000) : random.nextInt(50)));
            Event event = pick(sc.snapshot, timers, random);
            trail.add(event);
            deliver(sc, event, timers, trail, label);
            if (sc.last.effects().contains(new Spawn())) {
                // the engine answers a Spawn at once, before any other event
                int roll = random.nextInt(20);
                Event answer = roll == 0 ? new Event.SpawnFailed("No such file or directory")
                        : roll == 1 ? new Event.SpawnFailed("Too many open files", true)
                        : new Event.Spawned(10_000 + i, sc.now);
                trail.add(answer);
                deliver(sc, answer, timers, trail, label);
            }
            ServiceSnapshot s = sc.snapshot;
            check((s.pid() != 0) == s.state().hasProcess(),
                    () -> label + ": pid " + s.pid() + " in " + s.state() + " after " + tail(trail));
            check((s.startedAt() != null) == (s.pid() != 0),
                    () -> label + ": startedAt " + s.startedAt() + " with pid " + s.pid() + " after " + tail(trail));
        }
    }

    private static void deliver(Scenario sc, Event event, List<ArmTimer> timers, List<Event> trail, String label) {
        ServiceSnapshot before = sc.snapshot;
        Transition t = sc.apply(event);
        ServiceSnapshot after = t.next();
        Supplier<String> where = () -> label + " after " + tail(trail);
        check(after.state() == before.state() || before.state().canMoveTo(after.state()),
                () -> where.get() + ": " + before.state() + " -> " + after.state() + " is not a legal move");
        check(after.generation() >= before.generation(), () -> where.get() + ": generation went down");
        for (Effect e : t.effects()) {
            if (e instanceof Spawn) {
                check(after.state() == ServiceState.STARTING && after.pid() == 0,
                        () -> where.get() + ": Spawn from " + after.state() + " with pid " + after.pid());
            } else if (e instanceof SignalGroup g) {
                check(g.pid() != 0, () -> where.get() + ": a signal to pid 0 would hit svd's own group");
                check(g.pid() == after.pid(), () -> where.get() + ": " + g + " but the pid is " + after.pid());
            } else if (e instanceof ArmTimer a) {
                check(a.generation() == after.generation(), () -> where.get() + ": " + a + " for an old generation");
                check(!a.delay().isNegative() && !a.delay().isZero(), () -> where.get() + ": " + a + " without a delay");
                timers.add(a);
            }
        }
    }

    private static void check(boolean holds, Supplier<String> message) {
        if (!holds) {
            fail(message.get());
        }
    }

    /** Any event an engine could deliver: requests, exits of the current or an old pid, current or old timers. */
    private static Event pick(ServiceSnapshot s, List<ArmTimer> timers, Random random) {
        switch (random.nextInt(8)) {
            case 0:
                return new Event.StartRequested(random.nextBoolean());
            case 1:
                return new Event.StopRequested();
            case 2:
                return new Event.RestartRequested();
            case 3:
            case 4:
                if (s.pid() != 0) {
                    ExitStatus status = random.nextBoolean() ? ExitStatus.exited(random.nextInt(3), Scenario.T0)
                            : ExitStatus.killed(random.nextBoolean() ? 9 : 15, Scenario.T0);
                    return new Event.ProcessExited(s.pid(), status);
                }
                return new Event.ProcessExited(1 + random.nextInt(10_000), ExitStatus.exited(1, Scenario.T0));
            default:
                if (timers.isEmpty()) {
                    return new Event.StopRequested();
                }
                ArmTimer t = random.nextInt(3) == 0 ? timers.get(random.nextInt(timers.size()))
                        : timers.get(timers.size() - 1);
                return new Event.TimerFired(t.kind(), t.generation());
        }
    }

    private static String tail(List<Event> trail) {
        return trail.subList(Math.max(0, trail.size() - 6), trail.size()).toString();
    }
}
