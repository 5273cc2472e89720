package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.svd.config.RestartPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (state, event) pair: a snapshot in each state meets a representative event of each kind.
 * {@link #TABLE} is the state x event table of docs/lifecycle.md; keep the two in step.
 */
class LifecycleTableTest {

    /**
     * Next state per (snapshot, event); "-" means ignored: the snapshot comes back equal and there are
     * no effects. Spec: the defaults (restart = always, start-seconds = 1s), except "exited" (never).
     */
    static final String TABLE = """
            snapshot        start    op-start stop     restart  spawned  spawn-failed exit     stale-exit start-timer backoff-timer stop-timer stale-timer adopted
            stopped         starting starting -        starting -        -            -        -          -           -             -          -           running
            starting        -        -        stopping stopping -        -            starting -          running     -             -          -           -
            running         -        -        stopping stopping -        -            starting -          -           -             -          -           -
            backoff         -        starting stopped  starting -        -            -        -          -           starting      -          -           -
            stopping        stopping stopping -        stopping -        -            stopped  -          -           -             stopping   -           -
            stopping-killed stopping stopping -        stopping -        -            stopped  -          -           -             -          -           -
            restarting      -        -        stopping -        -        -            starting -          -           -             stopping   -           -
            exited          starting starting stopped  starting -        -            -        -          -           -             -          -           -
            failed          -        starting stopped  starting -        -            -        -          -           -             -          -           -
            """;

    /** A representative event of one kind, made for the snapshot it is about to meet. */
    record Probe(String name, Function<ServiceSnapshot, List<Event>> events) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Map<String, Supplier<Scenario>> fixtures() {
        Map<String, Supplier<Scenario>> f = new LinkedHashMap<>();
        f.put("stopped", () -> Scenario.of(Scenario.spec()));
        f.put("awaiting-spawn", () -> {
            Scenario sc = Scenario.of(Scenario.spec());
            sc.start(); // the engine answers with Spawned or SpawnFailed before any other event
            return sc;
        });
        f.put("starting", () -> {
            Scenario sc = Scenario.of(Scenario.spec());
            sc.start();
            sc.spawned();
            return sc;
        });
        f.put("running", () -> Scenario.of(Scenario.spec()).running());
        f.put("backoff", () -> {
            Scenario sc = Scenario.of(Scenario.spec()).running();
            sc.crashAndRespawn();
            sc.exit(1);
            return sc;
        });
        f.put("stopping", () -> {
            Scenario sc = Scenario.of(Scenario.spec()).running();
            sc.stop();
            return sc;
        });
        f.put("stopping-killed", () -> {
            Scenario sc = Scenario.of(Scenario.spec()).running();
            sc.stop();
            sc.fire(TimerKind.STOP_TIMEOUT);
            return sc;
        });
        f.put("restarting", () -> {
            Scenario sc = Scenario.of(Scenario.spec()).running();
            sc.restart();
            return sc;
        });
        f.put("exited", () -> {
            Scenario sc = Scenario.of(Scenario.spec().withRestart(RestartPolicy.NEVER)).running();
            sc.exit(0);
            return sc;
        });
        f.put("failed", () -> {
            Scenario sc = Scenario.of(Scenario.spec());
            sc.start();
            sc.apply(new Event.SpawnFailed("/bin/true: Permission denied"));
            return sc;
        });
        return f;
    }

    static List<Probe> probes() {
        return List.of(
                new Probe("start", s -> List.of(new Event.StartRequested(false))),
                new Probe("op-start", s -> List.of(new Event.StartRequested(true))),
                new Probe("stop", s -> List.of(new Event.StopRequested())),
                new Probe("restart", s -> List.of(new Event.RestartRequested())),
                new Probe("spawned", s -> List.of(new Event.Spawned(7000, Scenario.T0))),
                new Probe("spawn-failed", s -> List.of(new Event.SpawnFailed("No such file or directory"))),
                new Probe("exit", s -> List.of(new Event.ProcessExited(s.pid() == 0 ? 999 : s.pid(),
                        ExitStatus.exited(1, Scenario.T0)))),
                new Probe("stale-exit", s -> List.of(new Event.ProcessExited(777, ExitStatus.killed(9, Scenario.T0)))),
                new Probe("start-timer", s -> List.of(new Event.TimerFired(TimerKind.START_SECONDS, s.generation()))),
                new Probe("backoff-timer", s -> List.of(new Event.TimerFired(TimerKind.BACKOFF, s.generation()))),
                new Probe("stop-timer", s -> List.of(new Event.TimerFired(TimerKind.STOP_TIMEOUT, s.generation()))),
                new Probe("stale-timer", s -> Arrays.stream(TimerKind.values())
                        .map(k -> (Event) new Event.TimerFired(k, s.generation() - 1)).toList()),
                new Probe("adopted", s -> List.of(new Event.Adopted(7100, Scenario.T0))));
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (var f : fixtures().entrySet()) {
            for (Probe p : probes()) {
                pairs.add(Arguments.of(f.getKey(), f.getValue(), p));
            }
        }
        return pairs.stream();
    }

    @Test
    void fixturesCoverEveryState() {
        Set<ServiceState> reached = EnumSet.noneOf(ServiceState.class);
        fixtures().values().forEach(f -> reached.add(f.get().snapshot.state()));

        assertThat(reached).containsExactlyInAnyOrder(ServiceState.values());
    }

    @ParameterizedTest(name = "{0} + {2}")
    @MethodSource("everyPair")
    void everyStateHandlesOrIgnoresEveryEventWithoutThrowing(String fixture, Supplier<Scenario> make, Probe probe) {
        Scenario sc = make.get();
        for (Event e : probe.events().apply(sc.snapshot)) {
            ServiceSnapshot before = sc.snapshot;

            assertThatCode(() -> sc.apply(e)).as("%s + %s", fixture, e).doesNotThrowAnyException();

            ServiceState to = sc.snapshot.state();
            assertThat(to == before.state() || before.state().canMoveTo(to))
                    .as("%s + %s: %s -> %s is not in the table of legal moves", fixture, e, before.state(), to)
                    .isTrue();
            assertThat(sc.snapshot.name()).isEqualTo(before.name());
            assertThat(sc.snapshot.generation()).isGreaterThanOrEqualTo(before.generation());
            sc.snapshot = before;
        }
    }

    @ParameterizedTest(name = "{0} + {2}")
    @MethodSource("everyPair")
    void eachPairDoesWhatTheTableSays(String fixture, Supplier<Scenario> make, Probe probe) {
        String expected = cell(fixture, probe.name());
        if (expected == null) {
            return; // awaiting-spawn is not in the table: nothing but Spawned or SpawnFailed reaches it
        }
        Scenario sc = make.get();
        for (Event e : probe.events().apply(sc.snapshot)) {
            ServiceSnapshot before = sc.snapshot;
            Transition t = sc.lifecycle.apply(before, sc.spec, e, sc.now);
            if (expected.equals("-")) {
                assertThat(t.next()).as("%s + %s is ignored", fixture, e).isEqualTo(before);
                assertThat(t.effects()).as("%s + %s is ignored", fixture, e).isEmpty();
            } else {
                assertThat(t.next().state().label()).as("%s + %s", fixture, e).isEqualTo(expected);
                assertThat(t.next().equals(before) && t.effects().isEmpty())
                        .as("%s + %s changes something", fixture, e).isFalse();
            }
        }
    }

    @Test
    void tableHasARowPerFixtureAndAColumnPerProbe() {
        List<String> lines = TABLE.lines().toList();
        List<String> header = List.of(lines.get(0).trim().split("\\s+"));
        List<String> rows = lines.stream().skip(1).map(l -> l.trim().split("\\s+")[0]).toList();

        assertThat(header.subList(1, header.size())).containsExactlyElementsOf(probes().stream().map(Probe::name).toList());
        List<String> expectedRows = new ArrayList<>(fixtures().keySet());
        expectedRows.remove("awaiting-spawn");
        assertThat(rows).containsExactlyElementsOf(expectedRows);
    }

    private static String cell(String fixture, String probe) {
        List<String> lines = TABLE.lines().toList();
        List<String> header = List.of(lines.get(0).trim().split("\\s+"));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            if (cells[0].equals(fixture)) {
                return cells[header.indexOf(probe)];
            }
        }
        return null;
    }
}
