package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.StartLimitSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LifecycleBugTest {
    @Test
    void crashDuringStartingIsATransitionTheEngineLogs() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        sc.spawned();
        ServiceSnapshot before = sc.snapshot;

        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.changes(before)).isTrue();
    }

    @Test
    void spawnedAndSigkillAreNotStateChanges() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        ServiceSnapshot awaiting = sc.snapshot;
        sc.spawned();
        assertThat(sc.last.changes(awaiting)).isFalse();
        sc.fire(TimerKind.START_SECONDS);
        sc.stop();
        ServiceSnapshot stopping = sc.snapshot;
        assertThat(sc.fire(TimerKind.STOP_TIMEOUT).changes(stopping)).isFalse();
    }

    @Test
    void startNotByTheOperatorLeavesAFailedServiceFailed() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(new StartLimitSpec(1, Duration.ofSeconds(60)))).running();
        sc.exit(1);
        ServiceSnapshot failed = sc.snapshot;

        Transition t = sc.start();

        assertThat(t.next()).isEqualTo(failed);
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void startNotByTheOperatorDoesNotCutTheBackoffShort() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.crashAndRespawn();
        sc.exit(1);
        ServiceSnapshot backoff = sc.snapshot;

        Transition t = sc.start();

        assertThat(t.next()).isEqualTo(backoff);
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void exitOfPidZeroWhileAwaitingTheSpawnIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        ServiceSnapshot awaiting = sc.snapshot;

        Transition t = sc.apply(new Event.ProcessExited(0, ExitStatus.exited(1, sc.now)));

        assertThat(t.next()).isEqualTo(awaiting);
    }
}
