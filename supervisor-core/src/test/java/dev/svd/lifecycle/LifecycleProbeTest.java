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
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Readiness gates and times out; liveness failures restart like crashes. */
class LifecycleProbeTest {
    private static final ProbeSpec TCP = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 8000)),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 3, 1, Duration.ofSeconds(30), Origin.UNKNOWN);

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

    @Test
    void healthFailureOutsideRunningIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ofSeconds(5)));
        sc.start();
        sc.spawned();
        ServiceSnapshot before = sc.snapshot;
        Scenario.assertIgnored(sc.apply(new Event.HealthFailed(before.pid(), "x")), before);
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
