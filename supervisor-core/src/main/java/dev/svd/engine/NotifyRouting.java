package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.Event.Notice;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.os.Notification;
import dev.svd.os.NotifyMessage;
import dev.svd.text.Durations;
import dev.svd.timing.TimerQueue;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Notifications (docs/notify.md) to the services they belong to: decides whose a datagram is from
 * its sender's credentials (the service's main process, its process group or session, or a
 * descendant of its main process), refuses and counts the rest, turns what a datagram says into
 * {@link Event.Notified} lifecycle events, keeps each service's watchdog deadline and reports a
 * missed one as {@link Event.WatchdogMissed}, and tells the {@link Reloader} of RELOADING=1 and
 * READY=1. Owned by {@link Engine}; engine thread only (the notify thread offers each datagram to
 * the engine's inbox).
 */
final class NotifyRouting {
    private static final Logger log = LoggerFactory.getLogger(NotifyRouting.class);
    /** At most {@link #LOG_BURST} refusal lines per window of this length: a flood does not flood svd's log. */
    private static final long LOG_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int LOG_BURST = 5;

    /** Counts since svd started, published for {@code svctl status} (docs/protocol.md, {@code notify}). */
    record Counts(long accepted, long refused, long ignored) {}

    /** Told of reload news for a process: {@code ready} false for RELOADING=1, true for READY=1. */
    interface ReloadNews {
        void notified(String service, int pid, boolean ready);
    }

    /** A service's watchdog: the process it watches, its interval and when it runs out. */
    private static final class Watch {
        final int pid;
        long intervalNanos;
        long deadlineNanos;
        boolean timerPending;
        long timerDueNanos;

        Watch(int pid, long intervalNanos, long deadlineNanos) {
            this.pid = pid;
            this.intervalNanos = intervalNanos;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Map<String, ServiceSnapshot> services;
    private final Supplier<SupervisorSpec> config;
    private final BiConsumer<String, Event> apply;
    private final TimerQueue timers;
    private final LongSupplier nanoTime;
    private final ReloadNews reloads;
    private final Map<String, Watch> watches = new HashMap<>();
    private long accepted;
    private long refused;
    private long ignored;
    private long logWindowStart;
    private int loggedInWindow;
    private long unloggedRefusals;
    private volatile Counts counts = new Counts(0, 0, 0);

    NotifyRouting(Map<String, ServiceSnapshot> services, Supplier<SupervisorSpec> config,
                  BiConsumer<String, Event> apply, TimerQueue timers, LongSupplier nanoTime, ReloadNews reloads) {
        this.services = services;
        this.config = config;
        this.apply = apply;
        this.timers = timers;
        this.nanoTime = nanoTime;
        this.reloads = reloads;
        this.logWindowStart = nanoTime.getAsLong();
    }

    /** The counts as of the last datagram; any thread. */
    Counts counts() {
        return counts;
    }

    /** A new process {@code pid} of {@code spec}: its watchdog, if it has one, starts now. */
    void started(ServiceSpec spec, int pid) {
        watches.remove(spec.name());
        spec.watchdog().ifPresent(w -> {
            Watch watch = new Watch(pid, w.toNanos(), nanoTime.getAsLong() + w.toNanos());
            watches.put(spec.name(), watch);
            arm(spec.name(), watch);
        });
    }

    /** The service's process is gone or being stopped: its watchdog ends. */
    void stopped(String name) {
        watches.remove(name);
    }

    void notified(Notification n) {
        Notification.Process sender = n.sender();
        Optional<ServiceSnapshot> owner = services.values().stream()
                .filter(s -> s.state().hasProcess() && sender.belongsTo(s.pid())).findFirst();
        if (owner.isEmpty()) {
            refuse(sender, "it is no process of any service");
            return;
        }
        ServiceSnapshot s = owner.get();
        String name = s.name();
        ServiceSpec spec = config.get().services().get(name);
        if (spec == null || !spec.usesNotify()) {
            refuse(sender, "it is a process of " + name + ", which does not use notify (set ready { notify = true } or"
                    + " watchdog for it, docs/notify.md)");
            return;
        }
        NotifyMessage m = n.message();
        accepted++;
        ignored += m.ignored();
        int pid = s.pid();
        if (m.mainPid().isPresent()) {
            Optional<Notification.Process> named = n.mainPid();
            if (named.isPresent() && named.get().belongsTo(pid) && named.get().processGroup() != -1) {
                apply.accept(name, new Event.Notified(pid, new Notice.MainPid(m.mainPid().getAsInt())));
            } else {
                refuse(sender, "MAINPID=" + m.mainPid().getAsInt() + " is no process of " + name);
            }
        }
        m.status().ifPresent(text -> apply.accept(name, new Event.Notified(pid, new Notice.Status(text))));
        if (m.reloading()) {
            apply.accept(name, new Event.Notified(pid, new Notice.Reloading()));
            reloads.notified(name, pid, false);
        }
        if (m.ready()) {
            boolean wasReady = s.ready();
            apply.accept(name, new Event.Notified(pid, new Notice.Ready()));
            reloads.notified(name, pid, true);
            ServiceSnapshot after = services.get(name);
            if (!wasReady && after != null && after.ready()) {
                withService(name, () -> log.info("{}: ready (READY=1 from pid {})", name, sender.pid()));
            }
        }
        if (m.stopping()) {
            apply.accept(name, new Event.Notified(pid, new Notice.Stopping()));
        }
        m.extendTimeoutUsec().ifPresent(us -> apply.accept(name,
                new Event.Notified(pid, new Notice.ExtendTimeout(Duration.ofNanos(Math.min(us, Long.MAX_VALUE / 1000) * 1000)))));
        watchdog(name, pid, m);
        publish();
    }

    /** WATCHDOG=1 moves the deadline, WATCHDOG_USEC= changes the interval (and moves it), trigger fails it. */
    private void watchdog(String name, int pid, NotifyMessage m) {
        Watch w = watches.get(name);
        boolean asked = m.watchdog() || m.watchdogTrigger() || m.watchdogUsec().isPresent();
        if (w == null || w.pid != pid) {
            if (asked) {
                ignored++; // no watchdog configured (or none for this process): nothing to feed
            }
            return;
        }
        long now = nanoTime.getAsLong();
        if (m.watchdogUsec().isPresent()) {
            w.intervalNanos = Math.min(m.watchdogUsec().getAsLong(), Long.MAX_VALUE / 4000) * 1000;
            w.deadlineNanos = now + w.intervalNanos;
        }
        if (m.watchdog()) {
            w.deadlineNanos = now + w.intervalNanos;
        }
        if (m.watchdogTrigger()) {
            watches.remove(name);
            apply.accept(name, new Event.WatchdogMissed(pid, "watchdog: the service sent WATCHDOG=trigger"));
            return;
        }
        arm(name, w);
    }

    /**
     * One pending timer per watch while the deadline only moves later (feeding): when it fires before
     * the deadline, it is armed again for the rest. A deadline moved earlier (a shorter WATCHDOG_USEC)
     * gets a timer of its own.
     */
    private void arm(String name, Watch w) {
        if (w.timerPending && w.timerDueNanos - w.deadlineNanos <= 0) {
            return;
        }
        w.timerPending = true;
        w.timerDueNanos = w.deadlineNanos;
        timers.schedule(Math.max(0, w.deadlineNanos - nanoTime.getAsLong()), () -> check(name, w));
    }

    private void check(String name, Watch w) {
        w.timerPending = false;
        if (watches.get(name) != w) {
            return; // the process is gone, or a new one has its own watch
        }
        if (w.deadlineNanos - nanoTime.getAsLong() > 0) {
            arm(name, w);
            return;
        }
        watches.remove(name);
        String detail = "watchdog: no WATCHDOG=1 for " + Durations.human(Duration.ofNanos(w.intervalNanos));
        withService(name, () -> log.warn("{}: {} (pid {}); restarting it", name, detail, w.pid));
        apply.accept(name, new Event.WatchdogMissed(w.pid, detail));
    }

    private void refuse(Notification.Process sender, String why) {
        refused++;
        publish();
        long now = nanoTime.getAsLong();
        if (now - logWindowStart >= LOG_WINDOW_NANOS) {
            logWindowStart = now;
            loggedInWindow = 0;
        }
        if (loggedInWindow >= LOG_BURST) {
            unloggedRefusals++;
            return;
        }
        loggedInWindow++;
        log.warn("notify: refused a datagram from pid {} ({}): {} ({} refused so far{})", sender.pid(),
                sender.command(), why, refused, unloggedRefusals == 0 ? "" : ", " + unloggedRefusals + " not logged");
        unloggedRefusals = 0;
    }

    private void publish() {
        counts = new Counts(accepted, refused, ignored);
    }

    private static void withService(String name, Runnable line) {
        MDC.put("service", name);
        try {
            line.run();
        } finally {
            MDC.remove("service");
        }
    }
}
