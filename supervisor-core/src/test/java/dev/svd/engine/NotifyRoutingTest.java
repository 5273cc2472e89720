package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.DaemonSpec;
import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.Event.Notice;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.Notification;
import dev.svd.os.NotifyMessage;
import dev.svd.timing.TimerQueue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Whose a notification is, what is refused and counted, and the watchdog's deadlines (docs/notify.md),
 * on a fake clock: no sockets, no processes. The lifecycle's side is LifecycleNotifyTest.
 */
class NotifyRoutingTest {
    private static final ProbeSpec NOTIFY = new ProbeSpec(new ProbeCheck.Notify(), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ZERO, 1, 1, Duration.ofSeconds(30), Duration.ZERO, Origin.UNKNOWN);
    private static final int WEB = 100;
    private static final int PLAIN = 200;

    private long now = 1_000_000_000L;
    private final TimerQueue timers = new TimerQueue(() -> now);
    private final Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
    private final List<String> applied = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<String> reloads = new ArrayList<>();
    private final ServiceSpec web = ServiceSpec.of("web", List.of("/bin/true")).withReady(Optional.of(NOTIFY))
            .withWatchdog(Optional.of(Duration.ofSeconds(10)));
    private final ServiceSpec plain = ServiceSpec.of("plain", List.of("/bin/true"));
    private final NotifyRouting routing;

    NotifyRoutingTest() {
        Map<String, ServiceSpec> specs = new LinkedHashMap<>(Map.of("web", web, "plain", plain));
        SupervisorSpec config = new SupervisorSpec(Path.of("svd.conf"), DaemonSpec.DEFAULT, specs, List.of("web", "plain"));
        services.put("web", running("web", WEB));
        services.put("plain", running("plain", PLAIN));
        routing = new NotifyRouting(services, () -> config, (name, e) -> {
            applied.add(name);
            events.add(e);
        }, timers, () -> now, (name, pid, ready) -> reloads.add(name + " " + pid + (ready ? " ready" : " reloading")));
        routing.started(web, WEB);
    }

    private static ServiceSnapshot running(String name, int pid) {
        return new ServiceSnapshot(name, ServiceState.RUNNING, pid, Instant.EPOCH, 0, 0, List.of(), Optional.empty(),
                dev.svd.lifecycle.Health.UNKNOWN, "up", 1, false, false, false, "", Optional.empty(), Optional.empty());
    }

    private static Notification.Process process(int pid, int group, List<Integer> ancestors) {
        return new Notification.Process(pid, 0, group, group, ancestors, "cmd " + pid);
    }

    private static NotifyMessage message(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return ((NotifyMessage.Message) NotifyMessage.parse(b, b.length, false)).message();
    }

    private void from(Notification.Process sender, String text) {
        routing.notified(new Notification(sender, message(text), Optional.empty()));
    }

    private void pass(Duration d) {
        now += d.toNanos();
        timers.runDue();
    }

    @Test
    void theMainProcessItsGroupAndItsDescendantsNotifyForTheService() {
        from(process(WEB, WEB, List.of()), "STATUS=main");
        from(process(101, WEB, List.of(WEB)), "STATUS=worker");
        from(process(102, 102, List.of(101, WEB)), "STATUS=left its group"); // setsid'd grandchild
        assertThat(events).containsExactly(new Event.Notified(WEB, new Notice.Status("main")),
                new Event.Notified(WEB, new Notice.Status("worker")),
                new Event.Notified(WEB, new Notice.Status("left its group")));
        assertThat(routing.counts()).isEqualTo(new NotifyRouting.Counts(3, 0, 0));
    }

    @Test
    void outsidersAndServicesWithoutNotifyAreRefusedAndCounted() {
        from(process(999, 999, List.of(42)), "READY=1");
        from(process(PLAIN, PLAIN, List.of()), "READY=1");
        from(process(201, PLAIN, List.of(PLAIN)), "STATUS=x");
        assertThat(events).isEmpty();
        assertThat(routing.counts()).isEqualTo(new NotifyRouting.Counts(0, 3, 0));
    }

    @Test
    void mainPidIsAcceptedOnlyForAProcessOfTheService() {
        routing.notified(new Notification(process(WEB, WEB, List.of()), message("MAINPID=101"),
                Optional.of(process(101, WEB, List.of(WEB)))));
        routing.notified(new Notification(process(WEB, WEB, List.of()), message("MAINPID=" + PLAIN),
                Optional.of(process(PLAIN, PLAIN, List.of()))));
        routing.notified(new Notification(process(WEB, WEB, List.of()), message("MAINPID=4000"),
                Optional.of(process(4000, -1, List.of())))); // already gone
        assertThat(events).containsExactly(new Event.Notified(WEB, new Notice.MainPid(101)));
        assertThat(routing.counts().refused()).isEqualTo(2);
    }

    @Test
    void readyReloadingAndExtensionsBecomeEventsAndTheReloaderHearsOfThem() {
        from(process(WEB, WEB, List.of()), "RELOADING=1");
        from(process(WEB, WEB, List.of()), "READY=1\nSTOPPING=1\nEXTEND_TIMEOUT_USEC=5000000\nX_UNKNOWN=1");
        assertThat(events).containsExactly(new Event.Notified(WEB, new Notice.Reloading()),
                new Event.Notified(WEB, new Notice.Ready()), new Event.Notified(WEB, new Notice.Stopping()),
                new Event.Notified(WEB, new Notice.ExtendTimeout(Duration.ofSeconds(5))));
        assertThat(reloads).containsExactly("web 100 reloading", "web 100 ready");
        assertThat(routing.counts().ignored()).isEqualTo(1);
    }

    @Test
    void anUnfedWatchdogRunsOutAfterItsInterval() {
        pass(Duration.ofSeconds(9));
        assertThat(events).isEmpty();
        pass(Duration.ofSeconds(1));
        assertThat(events).containsExactly(new Event.WatchdogMissed(WEB, "watchdog: no WATCHDOG=1 for 10s"));
        pass(Duration.ofSeconds(30));
        assertThat(events).as("reported once").hasSize(1);
    }

    @Test
    void feedingMovesTheDeadline() {
        for (int i = 0; i < 10; i++) {
            pass(Duration.ofSeconds(6));
            from(process(WEB, WEB, List.of()), "WATCHDOG=1");
        }
        assertThat(events).isEmpty();
        assertThat(timers.pending()).as("one timer per watch, however often it is fed").isEqualTo(1);
        pass(Duration.ofSeconds(10));
        assertThat(events).containsExactly(new Event.WatchdogMissed(WEB, "watchdog: no WATCHDOG=1 for 10s"));
    }

    @Test
    void watchdogUsecChangesTheIntervalAndTriggerFailsAtOnce() {
        from(process(WEB, WEB, List.of()), "WATCHDOG_USEC=2000000");
        pass(Duration.ofSeconds(2));
        assertThat(events).containsExactly(new Event.WatchdogMissed(WEB, "watchdog: no WATCHDOG=1 for 2s"));

        events.clear();
        routing.started(web, 300);
        services.put("web", running("web", 300));
        from(process(300, 300, List.of()), "WATCHDOG=trigger");
        assertThat(events).containsExactly(new Event.WatchdogMissed(300, "watchdog: the service sent WATCHDOG=trigger"));
    }

    @Test
    void aStoppedProcessHasNoWatchdog() {
        routing.stopped("web");
        pass(Duration.ofMinutes(1));
        assertThat(events).isEmpty();
        from(process(WEB, WEB, List.of()), "WATCHDOG=1");
        assertThat(routing.counts().ignored()).as("nothing to feed").isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(timers.nanosUntilNext())).isGreaterThan(1_000_000);
    }
}
