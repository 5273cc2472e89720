package dev.svd.lifecycle;

import static dev.svd.lifecycle.Scenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.RestartPolicy;
import dev.svd.lifecycle.Effect.ArmTimer;
import dev.svd.lifecycle.Effect.Spawn;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Starting a service: spawn, start-seconds, spawn failures and events that arrive too late. */
class LifecycleStartTest {

    @Test
    void startFromStoppedSpawnsAndRecordsTheStart() {
        Scenario sc = Scenario.of(Scenario.spec());

        Transition t = sc.start();

        assertThat(t.effects()).containsExactly(new Spawn());
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.next().pid()).isZero();
        assertThat(t.next().recentStarts()).containsExactly(T0);
        assertThat(t.next().generation()).isEqualTo(1);
        assertThat(t.next().restarts()).isZero();
        assertThat(t.changes(ServiceSnapshot.initial(Scenario.NAME))).isTrue();
    }

    @Test
    void operatorStartSaysSo() {
        Scenario sc = Scenario.of(Scenario.spec());

        assertThat(sc.operatorStart().next().reason()).contains("operator");
    }

    @Test
    void spawnedWithStartSecondsArmsTheTimerAndStaysStarting() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ofSeconds(3)));
        sc.start();

        Transition t = sc.apply(new Event.Spawned(4242, T0));

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.next().pid()).isEqualTo(4242);
        assertThat(t.next().startedAt()).isEqualTo(T0);
        assertThat(t.next().reason()).contains("pid 4242");
        assertThat(t.effects()).containsExactly(
                new ArmTimer(TimerKind.START_SECONDS, Duration.ofSeconds(3), sc.snapshot.generation()));
    }

    @Test
    void startSecondsTimerMakesItRunning() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ofSeconds(3)));
        sc.start();
        sc.spawned();

        Transition t = sc.fire(TimerKind.START_SECONDS);

        assertThat(t.next().state()).isEqualTo(ServiceState.RUNNING);
        assertThat(t.next().reason()).contains("pid 4242", "3s");
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void spawnedWithZeroStartSecondsGoesRunningAtOnce() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ZERO));
        sc.start();

        Transition t = sc.apply(new Event.Spawned(4242, T0));

        assertThat(t.next().state()).isEqualTo(ServiceState.RUNNING);
        assertThat(t.next().pid()).isEqualTo(4242);
        assertThat(t.next().reason()).contains("pid 4242");
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void timerOfAnOldGenerationIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        sc.spawned();
        long armedFor = sc.armed(TimerKind.START_SECONDS).generation();
        sc.crashAndRespawn(); // first crash: a new process, a new generation

        Transition t = sc.apply(new Event.TimerFired(TimerKind.START_SECONDS, armedFor));

        assertThat(sc.snapshot.generation()).isGreaterThan(armedFor);
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void timerOfAnotherKindInTheCurrentGenerationIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        sc.spawned();
        ServiceSnapshot before = sc.snapshot;

        Transition t = sc.apply(new Event.TimerFired(TimerKind.BACKOFF, before.generation()));

        Scenario.assertIgnored(t, before);
    }

    /** Issue 12: 74 of 150 services went failed for good when svd ran out of file descriptors. */
    @Test
    void aDescriptorShortageBacksOffAndRetriesWithoutCountingTowardTheStartLimit() {
        Scenario sc = Scenario.of(Scenario.spec());
        int burst = Scenario.spec().startLimit().burst();
        sc.start();

        for (int attempt = 1; attempt <= burst * 3; attempt++) {
            Transition t = sc.apply(new Event.SpawnFailed("cannot create a pipe for the output: Too many open files", true));
            assertThat(t.next().state()).as("attempt %d", attempt).isEqualTo(ServiceState.BACKOFF);
            assertThat(t.next().reason()).startsWith("cannot start for now: cannot create a pipe for the output: "
                    + "Too many open files; trying again in ");
            assertThat(t.next().recentStarts()).as("not counted toward the start limit").isEmpty();
            assertThat(sc.armed(TimerKind.BACKOFF).delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            Transition retry = sc.fire(TimerKind.BACKOFF);
            assertThat(retry.next().state()).isEqualTo(ServiceState.STARTING);
            assertThat(retry.effects()).contains(new Spawn());
        }
        sc.spawned();
        assertThat(sc.snapshot.state()).isIn(ServiceState.STARTING, ServiceState.RUNNING);
        assertThat(sc.snapshot.recentStarts()).as("the start that worked counts").hasSize(1);
    }

    @Test
    void spawnFailureFailsWithTheCause() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();

        Transition t = sc.apply(new Event.SpawnFailed("/srv/venv/bin/gunicorn: No such file or directory"));

        assertThat(t.next().state()).isEqualTo(ServiceState.FAILED);
        assertThat(t.next().reason()).contains("/srv/venv/bin/gunicorn: No such file or directory");
        assertThat(t.next().pid()).isZero();
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void spawnedIsIgnoredUnlessASpawnIsAwaited() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        ServiceSnapshot before = sc.snapshot;

        Transition t = sc.apply(new Event.Spawned(9999, sc.now));

        Scenario.assertIgnored(t, before);
    }

    @Test
    void spawnFailedIsIgnoredOnceTheProcessRuns() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        ServiceSnapshot before = sc.snapshot;

        Transition t = sc.apply(new Event.SpawnFailed("late"));

        assertThat(t.next()).isEqualTo(before);
    }

    @Test
    void processExitedForAStalePidIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        ServiceSnapshot before = sc.snapshot;

        Transition t = sc.apply(new Event.ProcessExited(before.pid() - 1, ExitStatus.exited(1, sc.now)));

        Scenario.assertIgnored(t, before);
    }

    @Test
    void processExitedWhileStoppedIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());

        Transition t = sc.apply(new Event.ProcessExited(4242, ExitStatus.exited(0, sc.now)));

        assertThat(t.next()).isEqualTo(ServiceSnapshot.initial(Scenario.NAME));
    }

    @Test
    void startWhileStartingOrRunningIsIgnored() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        sc.spawned();
        ServiceSnapshot starting = sc.snapshot;
        assertThat(sc.operatorStart().next()).isEqualTo(starting);

        sc.fire(TimerKind.START_SECONDS);
        ServiceSnapshot running = sc.snapshot;
        assertThat(sc.start().next()).isEqualTo(running);
        assertThat(sc.last.effects()).isEmpty();
    }

    @Test
    void startFromExitedSpawnsAgain() {
        Scenario sc = Scenario.of(Scenario.spec().withRestart(RestartPolicy.NEVER)).running();
        sc.exit(0);

        Transition t = sc.operatorStart();

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
        assertThat(t.next().recentStarts()).containsExactly(sc.now);
        assertThat(t.next().lastExit()).map(ExitStatus::toString).contains("exited 0");
        assertThat(t.next().crashes()).isZero();
    }
}
