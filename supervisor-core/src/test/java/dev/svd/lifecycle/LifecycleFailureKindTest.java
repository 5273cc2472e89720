package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.StartLimitSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure kind the lifecycle records with each reason (docs/lifecycle.md, "Failure kinds"): one
 * row per way a service gets to its state, the state, the kind (or none), and the start of the
 * reason it goes with, so a kind that drifts from its reason fails here.
 */
class LifecycleFailureKindTest {
    private static final ProbeSpec TCP = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 8000)),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 3, 1, Duration.ofSeconds(30), Duration.ZERO,
            Origin.UNKNOWN);

    record Row(String how, Scenario scenario, Consumer<Scenario> steps) {
        @Override
        public String toString() {
            return how;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("not started", Scenario.of(Scenario.spec()), sc -> {},
                        ServiceState.STOPPED, null, "not started"),
                row("running", Scenario.of(Scenario.spec()), sc -> sc.running(),
                        ServiceState.RUNNING, null, "pid "),
                row("spawn failed for good", Scenario.of(Scenario.spec()), sc -> {
                    sc.start();
                    sc.apply(new Event.SpawnFailed("/srv/venv/bin/gunicorn: No such file or directory"));
                }, ServiceState.FAILED, FailureKind.SPAWN_FAILED, "cannot start: "),
                row("spawn failed for now", Scenario.of(Scenario.spec()), sc -> {
                    sc.start();
                    sc.apply(new Event.SpawnFailed("cannot create a pipe: Too many open files", true));
                }, ServiceState.BACKOFF, FailureKind.SPAWN_DEFERRED, "cannot start for now: "),
                row("spawned after a deferred spawn", Scenario.of(Scenario.spec()), sc -> {
                    sc.start();
                    sc.apply(new Event.SpawnFailed("cannot create a pipe: Too many open files", true));
                    sc.fire(TimerKind.BACKOFF);
                    sc.spawned();
                }, ServiceState.STARTING, null, "pid "),
                row("exited, restart = never", Scenario.of(Scenario.spec().withRestart(RestartPolicy.NEVER)), sc -> {
                    sc.running();
                    sc.exit(0);
                }, ServiceState.EXITED, FailureKind.EXITED, "exited 0 (restart = never)"),
                row("first crash, restarted at once", Scenario.of(Scenario.spec()), sc -> {
                    sc.running();
                    sc.exit(1);
                }, ServiceState.STARTING, FailureKind.CRASHED, "exited 1; restarting"),
                row("crash again, backoff", Scenario.of(Scenario.spec()), sc -> {
                    sc.running();
                    sc.crashAndRespawn();
                    sc.exit(1);
                }, ServiceState.BACKOFF, FailureKind.CRASHED, "exited 1; restarting in "),
                row("restarting after backoff", Scenario.of(Scenario.spec()), sc -> {
                    sc.running();
                    sc.crashAndRespawn();
                    sc.exit(1);
                    sc.fire(TimerKind.BACKOFF);
                }, ServiceState.STARTING, null, "restarting after backoff"),
                row("start limit hit", Scenario.of(Scenario.spec().withStartLimit(
                        new StartLimitSpec(1, Duration.ofSeconds(60)))), sc -> {
                    sc.running();
                    sc.exit(1);
                }, ServiceState.FAILED, FailureKind.START_LIMIT, "exited 1; start limit hit: "),
                row("liveness failed, stopping", Scenario.of(Scenario.spec()), sc -> {
                    sc.running();
                    sc.apply(new Event.HealthFailed(sc.snapshot.pid(), "503 in 2ms"));
                }, ServiceState.STOPPING, null, "health check failed: 503 in 2ms; sent SIGTERM"),
                row("liveness failed, restarted", Scenario.of(Scenario.spec()), sc -> {
                    sc.running();
                    sc.apply(new Event.HealthFailed(sc.snapshot.pid(), "503 in 2ms"));
                    sc.exit(0);
                }, ServiceState.STARTING, FailureKind.HEALTH_FAILED, "health check failed: 503 in 2ms; restarting"),
                row("not ready in time", Scenario.of(Scenario.spec().withReady(Optional.of(TCP))), sc -> {
                    sc.running();
                    sc.fire(TimerKind.READY_TIMEOUT);
                    sc.exit(0);
                }, ServiceState.FAILED, FailureKind.NOT_READY, "not ready after 30s"),
                row("stopped by operator after failing", Scenario.of(Scenario.spec()), sc -> {
                    sc.start();
                    sc.apply(new Event.SpawnFailed("/srv/venv/bin/gunicorn: No such file or directory"));
                    sc.stop();
                }, ServiceState.STOPPED, null, "stopped by operator"),
                row("started by operator after failing", Scenario.of(Scenario.spec()), sc -> {
                    sc.start();
                    sc.apply(new Event.SpawnFailed("/srv/venv/bin/gunicorn: No such file or directory"));
                    sc.operatorStart();
                }, ServiceState.STARTING, null, "started by operator"),
                row("stopped by operator", Scenario.of(Scenario.spec()), sc -> {
                    sc.running();
                    sc.stop();
                    sc.exit(0);
                }, ServiceState.STOPPED, null, "exited 0"));
    }

    private static Arguments row(String how, Scenario sc, Consumer<Scenario> steps, ServiceState state,
                                 FailureKind kind, String reasonStart) {
        return Arguments.of(new Row(how, sc, steps), state, kind, reasonStart);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theKindIsRecordedWithTheReasonItExplains(Row row, ServiceState state, FailureKind kind, String reasonStart) {
        Scenario sc = row.scenario();
        row.steps().accept(sc);

        assertThat(sc.snapshot.state()).as(row.how()).isEqualTo(state);
        assertThat(sc.snapshot.failure()).as(row.how() + ": " + sc.snapshot.reason()).isEqualTo(Optional.ofNullable(kind));
        assertThat(sc.snapshot.reason()).as(row.how()).startsWith(reasonStart);
    }
}
