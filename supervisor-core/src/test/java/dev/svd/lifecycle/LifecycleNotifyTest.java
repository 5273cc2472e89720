package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.lifecycle.Effect.ArmTimer;
import dev.svd.lifecycle.Effect.SignalGroup;
import dev.svd.lifecycle.Event.Notice;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The notify protocol's news (docs/notify.md) through the pure lifecycle: readiness, watchdog, timeouts, status. */
class LifecycleNotifyTest {
    private static final ProbeSpec NOTIFY = new ProbeSpec(new ProbeCheck.Notify(), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ZERO, 1, 1, Duration.ofSeconds(30), Duration.ZERO, Origin.UNKNOWN);

    private static ServiceSpec notifyReady() {
        return Scenario.spec().withReady(Optional.of(NOTIFY));
    }

    private static Event notice(Scenario sc, Notice n) {
        return new Event.Notified(sc.snapshot.pid(), n);
    }

    @Test
    void readyNotificationMakesANotifyServiceReady() {
        Scenario sc = Scenario.of(notifyReady()).running();
        assertThat(sc.snapshot.ready()).isFalse();

        Transition t = sc.apply(notice(sc, new Notice.Ready()));

        assertThat(t.next().ready()).isTrue();
        assertThat(t.next().state()).isEqualTo(ServiceState.RUNNING);
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void readyNotificationOfAServiceWithAnotherReadinessDoesNotMakeItReady() {
        ProbeSpec tcp = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 8000)), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ZERO, 1, 1, Duration.ofSeconds(30), Duration.ZERO, Origin.UNKNOWN);
        Scenario sc = Scenario.of(Scenario.spec().withReady(Optional.of(tcp))).running();
        ServiceSnapshot before = sc.snapshot;

        Scenario.assertIgnored(sc.apply(notice(sc, new Notice.Ready())), before);
    }

    @Test
    void notificationFromAnOldProcessIsIgnored() {
        Scenario sc = Scenario.of(notifyReady()).running();
        ServiceSnapshot before = sc.snapshot;

        Scenario.assertIgnored(sc.apply(new Event.Notified(before.pid() + 1, new Notice.Ready())), before);
        Scenario.assertIgnored(sc.apply(new Event.Notified(before.pid() + 1, new Notice.Status("x"))), before);
    }

    @Test
    void notificationWithoutAProcessIsIgnoredInEveryStateWithoutOne() {
        Scenario sc = Scenario.of(notifyReady());
        ServiceSnapshot before = sc.snapshot; // stopped
        Scenario.assertIgnored(sc.apply(new Event.Notified(4242, new Notice.Status("x"))), before);
    }

    @Test
    void statusIsKeptUntilTheProcessEndsAndNotCarriedToTheNext() {
        Scenario sc = Scenario.of(notifyReady()).running();
        sc.apply(notice(sc, new Notice.Status("warming up")));
        assertThat(sc.snapshot.notified().status()).isEqualTo("warming up");
        sc.apply(notice(sc, new Notice.Status("serving 3 workers")));
        assertThat(sc.snapshot.notified().status()).isEqualTo("serving 3 workers");

        sc.exit(1);

        assertThat(sc.snapshot.notified()).isEqualTo(NotifyState.NONE);
        sc.spawned();
        assertThat(sc.snapshot.notified().status()).isEmpty();
    }

    @Test
    void mainPidStoppingAndReloadingAreRecordedWithoutAMove() {
        Scenario sc = Scenario.of(notifyReady()).running();
        sc.apply(notice(sc, new Notice.Ready()));
        sc.apply(notice(sc, new Notice.MainPid(5000)));
        sc.apply(notice(sc, new Notice.Reloading()));
        assertThat(sc.snapshot.notified().mainPid()).isEqualTo(5000);
        assertThat(sc.snapshot.notified().reloading()).isTrue();

        sc.apply(notice(sc, new Notice.Ready()));
        assertThat(sc.snapshot.notified().reloading()).as("READY=1 ends the reload").isFalse();
        Transition t = sc.apply(notice(sc, new Notice.Stopping()));

        assertThat(t.next().notified().stopping()).isTrue();
        assertThat(t.next().state()).isEqualTo(ServiceState.RUNNING);
        assertThat(t.effects()).isEmpty();
    }

    @Test
    void watchdogMissedStopsAndRestartsLikeALivenessFailure() {
        Scenario sc = Scenario.of(notifyReady().withWatchdog(Optional.of(Duration.ofSeconds(10)))).running();
        int pid = sc.snapshot.pid();

        Transition stop = sc.apply(new Event.WatchdogMissed(pid, "watchdog: no WATCHDOG=1 for 10s"));

        assertThat(stop.next().state()).isEqualTo(ServiceState.STOPPING);
        assertThat(stop.effects()).contains(new SignalGroup(pid, Signal.TERM));
        Transition after = sc.exit(143);
        assertThat(after.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(after.next().reason()).startsWith("watchdog: no WATCHDOG=1 for 10s");
        assertThat(after.next().failure()).contains(FailureKind.HEALTH_FAILED);
    }

    @Test
    void watchdogMissedForAnotherProcessOrWhileStoppingIsIgnored() {
        Scenario sc = Scenario.of(notifyReady()).running();
        ServiceSnapshot before = sc.snapshot;
        Scenario.assertIgnored(sc.apply(new Event.WatchdogMissed(before.pid() + 1, "watchdog")), before);
        sc.stop();
        ServiceSnapshot stopping = sc.snapshot;
        Scenario.assertIgnored(sc.apply(new Event.WatchdogMissed(stopping.pid(), "watchdog")), stopping);
    }

    @Test
    void extendTimeoutPostponesTheReadinessTimeout() {
        Scenario sc = Scenario.of(notifyReady()).running(); // start-timeout 30s, start-seconds 1s passed
        sc.after(Duration.ofSeconds(20));
        sc.apply(notice(sc, new Notice.ExtendTimeout(Duration.ofSeconds(60))));

        Transition fired = sc.fire(TimerKind.READY_TIMEOUT); // the clock moves to 30s + 20s: still within the extension

        assertThat(fired.next().state()).isEqualTo(ServiceState.RUNNING);
        ArmTimer again = (ArmTimer) fired.effects().get(0);
        assertThat(again.kind()).isEqualTo(TimerKind.READY_TIMEOUT);
        assertThat(sc.now.plus(again.delay())).isEqualTo(Scenario.T0.plus(Duration.ofSeconds(1 + 20 + 60)));
        Transition late = sc.fire(TimerKind.READY_TIMEOUT);
        assertThat(late.next().state()).as("once the extension has passed, the timeout ends the start")
                .isEqualTo(ServiceState.STOPPING);
    }

    @Test
    void extendTimeoutPostponesTheStopTimeoutButAStartExtensionDoesNot() {
        Scenario sc = Scenario.of(notifyReady()).running();
        sc.apply(notice(sc, new Notice.ExtendTimeout(Duration.ofMinutes(10))));
        sc.stop();
        assertThat(sc.snapshot.notified().extendedUntil()).as("a start's extension ends with the start").isNull();
        Transition kill = sc.fire(TimerKind.STOP_TIMEOUT);
        assertThat(kill.effects()).contains(new SignalGroup(kill.next().pid(), Signal.KILL));

        Scenario sc2 = Scenario.of(notifyReady()).running();
        sc2.stop();
        sc2.apply(notice(sc2, new Notice.ExtendTimeout(Duration.ofMinutes(1))));
        Transition extended = sc2.fire(TimerKind.STOP_TIMEOUT); // 10s default: within the minute
        assertThat(extended.next().killed()).isFalse();
        assertThat(extended.effects()).singleElement().isInstanceOf(ArmTimer.class);
    }

    @Test
    void noReadyWithinStartTimeoutFailsTheStartAndSaysWhatWasMissing() {
        Scenario sc = Scenario.of(notifyReady()).running();
        Transition stop = sc.fire(TimerKind.READY_TIMEOUT);
        assertThat(stop.next().state()).isEqualTo(ServiceState.STOPPING);
        sc.exit(143);
        assertThat(sc.snapshot.state()).isEqualTo(ServiceState.FAILED);
        assertThat(sc.snapshot.reason()).startsWith("not ready after 30s: no READY=1 came (ready { notify = true })");
    }

    @Test
    void extendTimeoutIsIgnoredWhenNoTimeoutRuns() {
        Scenario sc = Scenario.of(notifyReady()).running();
        sc.apply(notice(sc, new Notice.Ready()));
        ServiceSnapshot before = sc.snapshot;
        Scenario.assertIgnored(sc.apply(notice(sc, new Notice.ExtendTimeout(Duration.ofSeconds(5)))), before);
    }
}
