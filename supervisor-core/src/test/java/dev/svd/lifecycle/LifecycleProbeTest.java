package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.StartLimitSpec;
import dev.svd.config.Origin;
import dev.svd.lifecycle.Effect.SignalGroup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Readiness gates and times out; liveness failures restart like crashes. */
class LifecycleProbeTest {
    private static final ProbeSpec TCP = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 8000)),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 3, 1, Duration.ofSeconds(30), Duration.ZERO, Origin.UNKNOWN);

    private static ServiceSpec withReady() {
        return Scenario.spec().withReady(Optional.of(TCP));
    }

    @Test
    void serviceWithReadyProbeRunsButIsNotReadyUntilItPasses() {
        Scenario sc = Scenario.of(withReady()).running();
        assertThat(sc.snapshot.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(sc.snapshot.ready()).isFalse();
        assertThat(sc.armed(TimerKind.READY_TIMEOUT).delay()).isEqualTo(Duration.ofSeconds(30));

        Transition t = sc.apply(new Event.ReadyPassed(sc.snapshot.pid()));
        assertThat(t.next().ready()).isTrue();
        assertThat(t.next().state()).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void serviceWithoutReadyProbeIsReadyOnceSpawned() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        assertThat(sc.snapshot.ready()).isTrue();
    }

    @Test
    void readyForAnOldProcessIsIgnored() {
        Scenario sc = Scenario.of(withReady()).running();
        ServiceSnapshot before = sc.snapshot;
        Scenario.assertIgnored(sc.apply(new Event.ReadyPassed(before.pid() + 1)), before);
    }

    @Test
    void notReadyWithinStartTimeoutStopsAndFails() {
        Scenario sc = Scenario.of(withReady()).running();
        sc.snapshot = sc.snapshot.withProbe(Health.UNKNOWN, "connection refused");
        int pid = sc.snapshot.pid();

        Transition stop = sc.fire(TimerKind.READY_TIMEOUT);
        assertThat(stop.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(stop.effects()).contains(new SignalGroup(pid, Signal.TERM));

        Transition t = sc.exit(0);
        assertThat(t.next().state()).isEqualTo(ServiceState.FAILED);
        assertThat(t.next().reason()).startsWith("not ready after 30s: connection refused")
                .contains("svctl start web");
    }

    @Test
    void readyTimeoutAfterReadyIsIgnored() {
        Scenario sc = Scenario.of(withReady()).running();
        sc.apply(new Event.ReadyPassed(sc.snapshot.pid()));
        ServiceSnapshot before = sc.snapshot;
        Scenario.assertIgnored(sc.fire(TimerKind.READY_TIMEOUT), before);
    }

    @Test
    void healthFailureRestartsLikeACrash() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        int pid = sc.snapshot.pid();

        Transition stop = sc.apply(new Event.HealthFailed(pid, "503 in 2ms"));
        assertThat(stop.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(stop.next().reason()).startsWith("health check failed: 503 in 2ms");
        assertThat(stop.effects()).contains(new SignalGroup(pid, Signal.TERM));

        Transition t = sc.exit(0);
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.next().reason()).isEqualTo("health check failed: 503 in 2ms; restarting");
        assertThat(t.next().restarts()).isEqualTo(1);
        assertThat(t.next().lastExit()).map(ExitStatus::toString).contains("exited 0");
    }

    @Test
    void healthFailuresCountTowardTheStartLimit() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(new StartLimitSpec(2, Duration.ofSeconds(60)))).running();
        sc.apply(new Event.HealthFailed(sc.snapshot.pid(), "timeout"));
        sc.exit(0);
        sc.spawned();
        sc.fire(TimerKind.START_SECONDS);
        sc.apply(new Event.HealthFailed(sc.snapshot.pid(), "timeout"));
        Transition t = sc.exit(0);
        assertThat(t.next().state()).isEqualTo(ServiceState.FAILED);
        assertThat(t.next().reason()).startsWith("health check failed: timeout; start limit hit: 2 starts");
    }

    @Test
    void operatorStopDuringHealthRestartStaysStopped() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.apply(new Event.HealthFailed(sc.snapshot.pid(), "timeout"));
        sc.stop();
        Transition t = sc.exit(0);
        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPED);
    }

    /** Issue 11: one rule, whatever state the process is in when its liveness probe is judged failed. */
    @Test
    void healthFailureRestartsAProcessThatIsStartingOrRunningAndIsIgnoredOtherwise() {
        record Row(String name, java.util.function.Consumer<Scenario> setUp, boolean restarts) {}
        ServiceSpec slow = Scenario.spec().withStartSeconds(Duration.ofSeconds(5));
        List<Row> rows = List.of(
                new Row("starting (start-seconds not yet over)", sc -> {
                    sc.start();
                    sc.spawned();
                }, true),
                new Row("running", Scenario::running, true),
                new Row("stopping (operator stop)", sc -> {
                    sc.running();
                    sc.stop();
                }, false),
                new Row("stopping (an earlier health failure)", sc -> {
                    sc.running();
                    sc.apply(new Event.HealthFailed(sc.snapshot.pid(), "first"));
                }, false),
                new Row("stopped", sc -> { }, false),
                new Row("backoff", sc -> {
                    sc.running();
                    sc.crashAndRespawn();
                    sc.fire(TimerKind.START_SECONDS);
                    sc.exit(1);
                }, false));
        for (Row row : rows) {
            Scenario sc = Scenario.of(slow);
            row.setUp().accept(sc);
            ServiceSnapshot before = sc.snapshot;
            int pid = before.pid() == 0 ? 4242 : before.pid();
            Transition t = sc.apply(new Event.HealthFailed(pid, "connection refused"));
            if (row.restarts()) {
                assertThat(t.next().state()).as(row.name()).isEqualTo(ServiceState.STOPPING);
                assertThat(t.next().reason()).as(row.name()).startsWith("health check failed: connection refused; sent SIGTERM");
                assertThat(t.effects()).as(row.name()).contains(new SignalGroup(pid, Signal.TERM));
                Transition after = sc.exit(0);
                assertThat(after.next().state()).as(row.name() + ", after the exit").isEqualTo(ServiceState.STARTING);
                assertThat(after.next().restarts()).as(row.name()).isEqualTo(before.restarts() + 1);
            } else {
                assertThat(before.state()).as(row.name()).isNotIn(ServiceState.STARTING, ServiceState.RUNNING);
                Scenario.assertIgnored(t, before);
            }
        }
    }

    @Test
    void healthFailureOfAnotherProcessIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ofSeconds(5)));
        sc.start();
        sc.spawned();
        ServiceSnapshot before = sc.snapshot;
        Scenario.assertIgnored(sc.apply(new Event.HealthFailed(before.pid() + 1, "x")), before);
    }

    /** Issue 11: a stopped service showed the health of its last process. */
    @Test
    void healthIsUnknownOnceTheProcessHasEnded() {
        for (boolean operatorStop : new boolean[] {true, false}) {
            Scenario sc = Scenario.of(Scenario.spec().withRestart(dev.svd.config.RestartPolicy.NEVER)).running();
            sc.snapshot = sc.snapshot.withProbe(Health.HEALTHY, "200 in 1ms at 12:00:00");
            if (operatorStop) {
                sc.stop();
            }
            Transition t = sc.exit(0);
            assertThat(t.next().state()).isIn(ServiceState.STOPPED, ServiceState.EXITED);
            assertThat(t.next().health()).as(t.next().state().label()).isEqualTo(Health.UNKNOWN);
        }
    }

    /** Issue 11: "pid 2559, up 1s" was shown unchanged 50 s later; the reason holds no uptime. */
    @Test
    void runningReasonAfterStartSecondsHoldsNoUptime() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ofSeconds(1))).running();
        assertThat(sc.snapshot.reason()).isEqualTo("pid " + sc.snapshot.pid() + ", stayed up for start-seconds (1s)");
    }

    @Test
    void newProcessStartsWithUnknownHealth() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.snapshot = sc.snapshot.withProbe(Health.HEALTHY, "200 in 1ms");
        Transition t = sc.exit(1);
        assertThat(t.next().health()).isEqualTo(Health.UNKNOWN);
        assertThat(t.next().probe()).isEmpty();
    }
}
