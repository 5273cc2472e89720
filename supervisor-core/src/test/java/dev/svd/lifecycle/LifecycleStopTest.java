package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.RestartPolicy;
import dev.svd.config.Signal;
import dev.svd.config.StartLimitSpec;
import dev.svd.config.StopSpec;
import dev.svd.lifecycle.Effect.ArmTimer;
import dev.svd.lifecycle.Effect.SignalGroup;
import dev.svd.lifecycle.Effect.Spawn;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stopping and restarting: the stop signal, escalation to SIGKILL, and starts that wait for the stop. */
class LifecycleStopTest {
    private static final StopSpec QUIT_30S = new StopSpec(Signal.QUIT, Duration.ofSeconds(30));

    @Test
    void stopFromRunningSignalsTheGroupAndArmsTheStopTimeout() {
        Scenario sc = Scenario.of(Scenario.spec().withStop(QUIT_30S)).running();
        int pid = sc.snapshot.pid();

        Transition t = sc.stop();

        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(t.next().pid()).isEqualTo(pid);
        assertThat(t.next().reason()).contains("SIGQUIT");
        assertThat(t.effects()).containsExactly(
                new SignalGroup(pid, Signal.QUIT),
                new ArmTimer(TimerKind.STOP_TIMEOUT, Duration.ofSeconds(30), t.next().generation()));
    }

    @Test
    void stopFromStartingSignalsTooAndTheStartSecondsTimerIsThenIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        int pid = sc.spawned();

        Transition t = sc.stop();
        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(t.effects()).startsWith(new SignalGroup(pid, Signal.TERM));

        ServiceSnapshot stopping = sc.snapshot;
        assertThat(sc.fire(TimerKind.START_SECONDS).next()).isEqualTo(stopping);
    }

    @Test
    void stopTimeoutSendsSigkillToTheGroup() {
        Scenario sc = Scenario.of(Scenario.spec().withStop(QUIT_30S)).running();
        int pid = sc.snapshot.pid();
        sc.stop();

        Transition t = sc.fire(TimerKind.STOP_TIMEOUT);

        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(t.next().killed()).isTrue();
        assertThat(t.effects()).containsExactly(new SignalGroup(pid, Signal.KILL));
        assertThat(t.next().reason()).contains("timed out after 30s", "pid " + pid, "SIGQUIT", "SIGKILL");
    }

    @Test
    void stopTimeoutFiresOnlyOnce() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.stop();
        sc.fire(TimerKind.STOP_TIMEOUT);
        ServiceSnapshot killed = sc.snapshot;

        Transition again = sc.fire(TimerKind.STOP_TIMEOUT);

        Scenario.assertIgnored(again, killed);
    }

    @Test
    void exitDuringStoppingGoesToStopped() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.stop();

        Transition t = sc.exit(0);

        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPED);
        assertThat(t.next().pid()).isZero();
        assertThat(t.next().startedAt()).isNull();
        assertThat(t.next().reason()).contains("exited 0").doesNotContain("SIGKILL");
        assertThat(t.next().restarts()).isZero();
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void exitAfterSigkillSaysSigkillWasNeeded() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.stop();
        sc.fire(TimerKind.STOP_TIMEOUT);

        Transition t = sc.killedBy(9);

        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPED);
        assertThat(t.next().reason()).contains("SIGKILL");
        assertThat(t.next().killed()).as("kept so svd's exit code can say something was killed").isTrue();
    }

    @Test
    void stopTimerOfAFinishedStopIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.stop();
        sc.exit(0);
        ServiceSnapshot stopped = sc.snapshot;

        assertThat(sc.fire(TimerKind.STOP_TIMEOUT).next()).isEqualTo(stopped);
        assertThat(sc.last.effects()).isEmpty();
    }

    @Test
    void stopInBackoffStopsAndTheBackoffTimerIsThenIgnored() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.crashAndRespawn();
        sc.exit(1);
        assertThat(sc.snapshot.state()).isEqualTo(ServiceState.BACKOFF);

        Transition t = sc.stop();
        assertThat(t.next().state()).isEqualTo(ServiceState.STOPPED);
        assertThat(t.next().reason()).contains("stop");
        assertThat(t.effects()).isEmpty();

        ServiceSnapshot stopped = sc.snapshot;
        assertThat(sc.fire(TimerKind.BACKOFF).next()).isEqualTo(stopped);
        assertThat(sc.last.effects()).isEmpty();
    }

    @Test
    void stopInExitedOrFailedGoesToStopped() {
        Scenario exited = Scenario.of(Scenario.spec().withRestart(RestartPolicy.NEVER)).running();
        exited.exit(0);
        assertThat(exited.stop().next().state()).isEqualTo(ServiceState.STOPPED);

        Scenario failed = Scenario.of(Scenario.spec());
        failed.start();
        failed.apply(new Event.SpawnFailed("no such file"));
        assertThat(failed.stop().next().state()).isEqualTo(ServiceState.STOPPED);
    }

    @Test
    void stopWhileStoppedIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());

        Transition t = sc.stop();

        assertThat(t.next()).isEqualTo(ServiceSnapshot.initial(Scenario.NAME));
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void restartFromRunningStopsThenSpawnsOnExit() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        int pid = sc.snapshot.pid();

        Transition stopping = sc.restart();
        assertThat(stopping.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(stopping.next().restartAfterStop()).isTrue();
        assertThat(stopping.effects()).startsWith(new SignalGroup(pid, Signal.TERM));

        Transition t = sc.exit(0);
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
        assertThat(t.next().restartAfterStop()).isFalse();
        assertThat(t.next().reason()).contains("operator");
        assertThat(t.next().recentStarts()).containsExactly(sc.now);
        assertThat(sc.spawned()).isNotEqualTo(pid);
    }

    @Test
    void restartClearsTheStartsCountedTowardTheLimit() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(new StartLimitSpec(2, Duration.ofSeconds(60))))
                .running();
        sc.restart();
        sc.exit(0);
        sc.spawned();

        Transition t = sc.exit(1);

        assertThat(t.next().state()).as("one start since the restart, below burst 2").isEqualTo(ServiceState.STARTING);
    }

    @Test
    void restartFromStoppedStarts() {
        Scenario sc = Scenario.of(Scenario.spec());

        Transition t = sc.restart();

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
    }

    @Test
    void startWhileStoppingSpawnsAfterTheExit() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.stop();

        Transition waiting = sc.operatorStart();
        assertThat(waiting.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(waiting.next().restartAfterStop()).isTrue();
        assertThat(waiting.effects()).isEmpty();

        Transition t = sc.exit(0);
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
    }

    @Test
    void stopWhileStoppingCancelsAPendingStart() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.restart();

        Transition again = sc.stop();
        assertThat(again.next().restartAfterStop()).isFalse();
        assertThat(again.effects()).as("no second signal, no second timer").isEmpty();

        assertThat(sc.exit(0).next().state()).isEqualTo(ServiceState.STOPPED);
    }

    @Test
    void escalatedStopThenRestartSpawnsAProcessThatIsNotMarkedKilled() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.restart();
        sc.fire(TimerKind.STOP_TIMEOUT);

        Transition t = sc.killedBy(9);

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.next().killed()).isFalse();
    }
}
