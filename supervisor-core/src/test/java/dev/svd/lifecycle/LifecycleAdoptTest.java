package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.RestartPolicy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A leftover process taken over at svd's start ({@code on-leftover = adopt}). */
class LifecycleAdoptTest {
    private static final ProbeSpec TCP = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 8000)),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 3, 1, Duration.ofSeconds(30), Duration.ZERO, Origin.UNKNOWN);

    @Test
    void anAdoptedProcessRunsAtOnceWithItsOwnStartTimeAndNoStartCounted() {
        Scenario sc = Scenario.of(Scenario.spec());
        Transition t = sc.apply(new Event.Adopted(5150, Scenario.T0.minus(Duration.ofHours(3))));

        assertThat(t.next().state()).isEqualTo(ServiceState.RUNNING);
        assertThat(t.next().pid()).isEqualTo(5150);
        assertThat(t.next().startedAt()).isEqualTo(Scenario.T0.minus(Duration.ofHours(3)));
        assertThat(t.next().ready()).isTrue();
        assertThat(t.next().recentStarts()).isEmpty();
        assertThat(t.next().reason()).isEqualTo("pid 5150, adopted from an earlier svd");
        assertThat(t.effects()).as("nothing to spawn or signal").isEmpty();
    }

    @Test
    void withAReadinessProbeItIsNotReadyUntilTheProbePassesAgain() {
        Scenario sc = Scenario.of(Scenario.spec().withReady(Optional.of(TCP)));
        sc.apply(new Event.Adopted(5150, Scenario.T0));

        assertThat(sc.snapshot.ready()).isFalse();
        assertThat(sc.armed(TimerKind.READY_TIMEOUT).delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(sc.apply(new Event.ReadyPassed(5150)).next().ready()).isTrue();
    }

    @Test
    void anUnknownExitOfAnAdoptedProcessCountsAsAFailure() {
        Scenario sc = Scenario.of(Scenario.spec().withRestart(RestartPolicy.ON_FAILURE));
        sc.apply(new Event.Adopted(5150, Scenario.T0.minus(Duration.ofHours(1))));

        Transition t = sc.apply(new Event.ProcessExited(5150, ExitStatus.unknown(Scenario.T0)));

        assertThat(t.next().state()).as("on-failure restarts what it cannot prove succeeded").isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).contains(new Effect.Spawn());
        assertThat(t.next().lastExit()).contains(ExitStatus.unknown(Scenario.T0));
        assertThat(t.next().reason()).startsWith("ended (status unknown: not svd's child); restarting");
    }

    @Test
    void stoppingAnAdoptedProcessSignalsItsGroupLikeAnyOther() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.apply(new Event.Adopted(5150, Scenario.T0));

        Transition t = sc.stop();

        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(t.effects()).contains(new Effect.SignalGroup(5150, dev.svd.config.Signal.TERM));
    }

    @Test
    void aServiceSvdAlreadyStartedCannotAdoptAnything() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        ServiceSnapshot before = sc.snapshot;

        Scenario.assertIgnored(sc.apply(new Event.Adopted(5150, Scenario.T0)), before);
    }
}
