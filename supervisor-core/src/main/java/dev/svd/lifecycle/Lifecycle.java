package dev.svd.lifecycle;

import dev.svd.config.RestartPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.lifecycle.Effect.ArmTimer;
import dev.svd.lifecycle.Effect.SignalGroup;
import dev.svd.lifecycle.Effect.Spawn;
import dev.svd.lifecycle.Event.HealthFailed;
import dev.svd.lifecycle.Event.ProcessExited;
import dev.svd.lifecycle.Event.ReadyPassed;
import dev.svd.lifecycle.Event.RestartRequested;
import dev.svd.lifecycle.Event.SpawnFailed;
import dev.svd.lifecycle.Event.Spawned;
import dev.svd.lifecycle.Event.StartRequested;
import dev.svd.lifecycle.Event.StopRequested;
import dev.svd.lifecycle.Event.TimerFired;
import dev.svd.text.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The service state machine: a pure function from (snapshot, spec, event, now) to the next
 * snapshot and the effects to carry out. No threads, no I/O, no clock; the engine owns all of those.
 * Every (state, event) pair is either handled or explicitly ignored below. See docs/lifecycle.md.
 */
public final class Lifecycle {
    /** The shortest pause before a spawn that failed for a temporary reason is tried again. */
    static final Duration MIN_TEMPORARY_PAUSE = Duration.ofSeconds(1);
    private final DoubleSupplier jitter;

    /** @param jitter returns a value in [0, 1) for backoff jitter; tests pass a constant */
    public Lifecycle(DoubleSupplier jitter) {
        this.jitter = jitter;
    }

    public Transition apply(ServiceSnapshot s, ServiceSpec spec, Event event, Instant now) {
        if (event instanceof StartRequested e) {
            return onStart(s, e, now);
        } else if (event instanceof StopRequested) {
            return onStop(s, spec);
        } else if (event instanceof RestartRequested) {
            return onRestart(s, spec, now);
        } else if (event instanceof Spawned e) {
            return onSpawned(s, spec, e);
        } else if (event instanceof Event.Adopted e) {
            return onAdopted(s, spec, e);
        } else if (event instanceof SpawnFailed e) {
            return onSpawnFailed(s, spec, e);
        } else if (event instanceof ProcessExited e) {
            return onExit(s, spec, e, now);
        } else if (event instanceof TimerFired e) {
            return onTimer(s, spec, e, now);
        } else if (event instanceof ReadyPassed e) {
            return onReady(s, e);
        } else if (event instanceof HealthFailed e) {
            return onHealthFailed(s, spec, e);
        } else if (event instanceof Event.WatchdogMissed e) {
            return onWatchdogMissed(s, spec, e);
        } else if (event instanceof Event.Notified e) {
            return onNotified(s, spec, e, now);
        }
        throw new IllegalArgumentException("unhandled event " + event);
    }

    private Transition onStart(ServiceSnapshot s, StartRequested e, Instant now) {
        switch (s.state()) {
            case STOPPED, EXITED, FAILED, BACKOFF -> {
                if (!e.byOperator() && (s.state() == ServiceState.FAILED || s.state() == ServiceState.BACKOFF)) {
                    return unchanged(s); // FAILED: only an operator start resumes it; BACKOFF: its timer spawns
                }
                Draft d = new Draft(s);
                if (e.byOperator() || s.state() == ServiceState.STOPPED) {
                    d.recentStarts = new ArrayList<>();
                    d.crashes = 0;
                }
                return spawn(d, now, e.byOperator() ? "started by operator" : "start requested");
            }
            case STOPPING -> {
                Draft d = new Draft(s);
                d.restartAfterStop = true;
                return d.stay();
            }
            default -> {
                return unchanged(s); // STARTING, RUNNING: already on its way up
            }
        }
    }

    private Transition onStop(ServiceSnapshot s, ServiceSpec spec) {
        switch (s.state()) {
            case STARTING, RUNNING -> {
                return stopProcess(new Draft(s), spec, Optional.empty(), "");
            }
            case BACKOFF, EXITED, FAILED -> {
                Draft d = new Draft(s);
                d.generation++;
                return d.move(ServiceState.STOPPED, "stopped by operator");
            }
            case STOPPING -> {
                Draft d = new Draft(s);
                d.restartAfterStop = false;
                d.stopCause = Optional.empty(); // the operator's stop wins over a restart svd had planned
                return d.stay();
            }
            default -> {
                return unchanged(s); // STOPPED
            }
        }
    }

    private Transition onRestart(ServiceSnapshot s, ServiceSpec spec, Instant now) {
        if (s.state() == ServiceState.STARTING || s.state() == ServiceState.RUNNING) {
            Transition stop = onStop(s, spec);
            Draft d = new Draft(stop.next());
            d.restartAfterStop = true;
            return new Transition(d.build(), stop.effects());
        }
        return onStart(s, new StartRequested(true), now);
    }

    private Transition onSpawned(ServiceSnapshot s, ServiceSpec spec, Spawned e) {
        if (s.state() != ServiceState.STARTING || s.pid() != 0) {
            return unchanged(s); // only the spawn this snapshot asked for counts
        }
        Draft d = new Draft(s);
        d.pid = e.pid();
        d.startedAt = e.at();
        d.ready = spec.ready().isEmpty();
        List<Effect> effects = new ArrayList<>();
        spec.ready().ifPresent(r -> effects.add(new ArmTimer(TimerKind.READY_TIMEOUT, r.startTimeout(), d.generation)));
        if (spec.startSeconds().isZero()) {
            return d.move(ServiceState.RUNNING, "pid " + e.pid(), effects.toArray(Effect[]::new));
        }
        d.reason = "pid " + e.pid() + ", waiting " + Durations.human(spec.startSeconds());
        d.failure = Optional.empty(); // the restart a failure caused is under way
        effects.add(new ArmTimer(TimerKind.START_SECONDS, spec.startSeconds(), d.generation));
        return d.stay(effects.toArray(Effect[]::new));
    }

    /**
     * A leftover process taken over before anything started: running at once (it has been up since
     * {@code startedAt}), ready only once its readiness probe passes again.
     */
    private Transition onAdopted(ServiceSnapshot s, ServiceSpec spec, Event.Adopted e) {
        if (s.state() != ServiceState.STOPPED) {
            return unchanged(s); // only a service svd has not started yet can take over a leftover
        }
        Draft d = new Draft(s);
        d.pid = e.pid();
        d.startedAt = e.startedAt();
        d.generation++;
        d.ready = spec.ready().isEmpty();
        d.recentStarts = new ArrayList<>();
        d.crashes = 0;
        d.notified = NotifyState.NONE;
        List<Effect> effects = new ArrayList<>();
        spec.ready().ifPresent(r -> effects.add(new ArmTimer(TimerKind.READY_TIMEOUT, r.startTimeout(), d.generation)));
        return d.move(ServiceState.RUNNING, "pid " + e.pid() + ", adopted from an earlier svd",
                effects.toArray(Effect[]::new));
    }

    /**
     * A final spawn failure fails the service. A temporary one (svd short of file descriptors, or a
     * state-dir too full to record the process) is
     * not the service's fault: it backs off (the service's backoff, at least
     * {@link #MIN_TEMPORARY_PAUSE}) and tries again, and the attempt is not counted toward the start
     * limit, so a shortage that lasts longer than the limit's interval never fails a service for good
     * (docs/lifecycle.md).
     */
    private Transition onSpawnFailed(ServiceSnapshot s, ServiceSpec spec, SpawnFailed e) {
        if (s.state() != ServiceState.STARTING || s.pid() != 0) {
            return unchanged(s);
        }
        Draft d = new Draft(s);
        d.generation++;
        if (!e.temporary()) {
            return d.fail(ServiceState.FAILED, FailureKind.SPAWN_FAILED, "cannot start: " + e.cause());
        }
        if (!d.recentStarts.isEmpty()) {
            d.recentStarts.remove(d.recentStarts.size() - 1); // the attempt that never ran
        }
        d.crashes = s.crashes() + 1;
        Duration delay = backoffDelay(spec, d.crashes + 1);
        if (delay.compareTo(MIN_TEMPORARY_PAUSE) < 0) {
            delay = MIN_TEMPORARY_PAUSE;
        }
        return d.fail(ServiceState.BACKOFF, FailureKind.SPAWN_DEFERRED, "cannot start for now: " + e.cause() + "; trying again in " + Durations.human(delay),
                new ArmTimer(TimerKind.BACKOFF, delay, d.generation));
    }

    private Transition onExit(ServiceSnapshot s, ServiceSpec spec, ProcessExited e, Instant now) {
        if (!s.state().hasProcess() || s.pid() == 0 || e.pid() != s.pid()) {
            return unchanged(s); // a process from an earlier generation
        }
        Draft d = new Draft(s);
        d.pid = 0;
        d.startedAt = null;
        d.lastExit = Optional.of(e.status());
        d.ready = false;
        d.health = Health.UNKNOWN; // no process, no health: the old process's result is not the service's
        d.notified = NotifyState.NONE; // what it said ended with it
        d.generation++;
        if (s.state() == ServiceState.STOPPING && s.stopCause().isPresent()) {
            ServiceSnapshot.StopCause cause = s.stopCause().get();
            d.stopCause = Optional.empty();
            if (cause.failService()) { // StopCause.fail: the readiness timeout
                return d.fail(ServiceState.FAILED, FailureKind.NOT_READY, cause.reason() + "; run 'svctl start "
                        + s.name() + "' once fixed");
            }
            return afterCrash(d, s, spec, FailureKind.HEALTH_FAILED, cause.reason(), now); // StopCause.restart: liveness
        }
        if (s.state() == ServiceState.STOPPING) {
            String how = s.killed() ? "stop timed out after " + Durations.human(spec.stop().timeout()) + "; " + e.status()
                    : e.status().toString();
            if (s.restartAfterStop()) {
                d.restartAfterStop = false;
                d.recentStarts = new ArrayList<>();
                d.crashes = 0;
                return spawn(d, now, "restarted by operator");
            }
            return d.move(ServiceState.STOPPED, how);
        }
        RestartPolicy policy = spec.restart();
        if (policy == RestartPolicy.NEVER || (policy == RestartPolicy.ON_FAILURE && e.status().success())) {
            return d.fail(ServiceState.EXITED, FailureKind.EXITED, e.status() + " (restart = " + policy.configName()
                    + ")");
        }
        return afterCrash(d, s, spec, FailureKind.CRASHED, e.status().toString(), now);
    }

    /**
     * The process ended unasked (or failed its health check): restart at once, after backoff, or give up.
     * {@code kind} is why, kept with the reason unless the start limit ends it.
     */
    private Transition afterCrash(Draft d, ServiceSnapshot s, ServiceSpec spec, FailureKind kind, String what,
                                  Instant now) {
        boolean stable = s.startedAt() != null && !s.startedAt().plus(spec.backoff().stableAfter()).isAfter(now);
        d.crashes = stable ? 1 : s.crashes() + 1;
        List<Instant> recent = withinInterval(s.recentStarts(), spec, now);
        if (recent.size() >= spec.startLimit().burst()) {
            return d.fail(ServiceState.FAILED, FailureKind.START_LIMIT, what + "; start limit hit: " + recent.size()
                    + " starts within " + Durations.human(spec.startLimit().interval())
                    + "; run 'svctl start " + s.name() + "' once fixed");
        }
        d.recentStarts = new ArrayList<>(recent);
        Duration delay = backoffDelay(spec, d.crashes);
        d.restarts++;
        if (delay.isZero()) {
            return spawn(d, now, kind, what + "; restarting");
        }
        return d.fail(ServiceState.BACKOFF, kind, what + "; restarting in " + Durations.human(delay),
                new ArmTimer(TimerKind.BACKOFF, delay, d.generation));
    }

    private Transition onTimer(ServiceSnapshot s, ServiceSpec spec, TimerFired e, Instant now) {
        if (e.generation() != s.generation()) {
            return unchanged(s); // armed for a process or stop that is over
        }
        switch (e.kind()) {
            case START_SECONDS -> {
                if (s.state() == ServiceState.STARTING) {
                    // no uptime here: a reason is kept as it is until the next transition (svctl status shows the uptime)
                    return new Draft(s).move(ServiceState.RUNNING, "pid " + s.pid() + ", stayed up for start-seconds ("
                            + Durations.human(spec.startSeconds()) + ")");
                }
            }
            case BACKOFF -> {
                if (s.state() == ServiceState.BACKOFF) {
                    return spawn(new Draft(s), now, "restarting after backoff");
                }
            }
            case STOP_TIMEOUT -> {
                if (s.state() == ServiceState.STOPPING && !s.killed() && extended(s, now)) {
                    return new Draft(s).stay(new ArmTimer(TimerKind.STOP_TIMEOUT,
                            Duration.between(now, s.notified().extendedUntil()), s.generation()));
                }
                if (s.state() == ServiceState.STOPPING && !s.killed()) {
                    Draft d = new Draft(s);
                    d.killed = true;
                    d.reason = "stop timed out after " + Durations.human(spec.stop().timeout()) + " (pid " + s.pid()
                            + " still alive after SIG" + spec.stop().signal() + "; sent SIGKILL)";
                    return d.stay(new SignalGroup(s.pid(), Signal.KILL));
                }
            }
            case READY_TIMEOUT -> {
                boolean waiting = (s.state() == ServiceState.STARTING || s.state() == ServiceState.RUNNING) && !s.ready();
                if (waiting && extended(s, now)) {
                    return new Draft(s).stay(new ArmTimer(TimerKind.READY_TIMEOUT,
                            Duration.between(now, s.notified().extendedUntil()), s.generation()));
                }
                if (waiting) {
                    String why = "not ready after " + Durations.human(spec.ready().orElseThrow().startTimeout())
                            + (spec.readyByNotify() ? ": no READY=1 came (ready { notify = true })"
                            : s.probe().isEmpty() ? "" : ": " + s.probe());
                    return stopProcess(new Draft(s), spec, Optional.of(ServiceSnapshot.StopCause.fail(why)), why + "; ");
                }
            }
            default -> throw new IllegalArgumentException("unhandled timer " + e.kind());
        }
        return unchanged(s);
    }

    /** Send the stop signal to the group and arm the stop timeout; {@code cause} says what happens after the exit. */
    private static Transition stopProcess(Draft d, ServiceSpec spec, Optional<ServiceSnapshot.StopCause> cause,
                                          String why) {
        d.generation++;
        d.restartAfterStop = false;
        d.killed = false;
        d.stopCause = cause;
        d.notified = d.notified.withExtendedUntil(null); // an extension of the start does not lengthen the stop
        return d.move(ServiceState.STOPPING, why + "sent SIG" + spec.stop().signal() + " to process group " + d.pid,
                new SignalGroup(d.pid, spec.stop().signal()),
                new ArmTimer(TimerKind.STOP_TIMEOUT, spec.stop().timeout(), d.generation));
    }

    private Transition onReady(ServiceSnapshot s, ReadyPassed e) {
        if (!s.state().hasProcess() || s.state() == ServiceState.STOPPING || s.pid() != e.pid() || s.ready()) {
            return unchanged(s); // not the current process, or already ready
        }
        Draft d = new Draft(s);
        d.ready = true;
        return d.stay();
    }

    /**
     * The liveness probe failed failure-threshold times in a row after its start period (the engine
     * does not count failures before the first pass within {@code start-period}, docs/health.md): the
     * process is restarted like a crash, whether it is still {@code starting} or {@code running}.
     */
    private Transition onHealthFailed(ServiceSnapshot s, ServiceSpec spec, HealthFailed e) {
        boolean judged = s.state() == ServiceState.STARTING || s.state() == ServiceState.RUNNING;
        if (!judged || s.pid() == 0 || s.pid() != e.pid()) {
            return unchanged(s); // no process, another process, or one svd is already stopping
        }
        String why = "health check failed: " + e.detail();
        return stopProcess(new Draft(s), spec, Optional.of(ServiceSnapshot.StopCause.restart(why)), why + "; ");
    }

    /**
     * The service's watchdog ran out ({@code WATCHDOG=1} missing, or {@code WATCHDOG=trigger}): a
     * liveness failure, restarted like a failed health check (docs/notify.md).
     */
    private Transition onWatchdogMissed(ServiceSnapshot s, ServiceSpec spec, Event.WatchdogMissed e) {
        boolean judged = s.state() == ServiceState.STARTING || s.state() == ServiceState.RUNNING;
        if (!judged || s.pid() == 0 || s.pid() != e.pid()) {
            return unchanged(s); // no process, another process, or one svd is already stopping
        }
        return stopProcess(new Draft(s), spec, Optional.of(ServiceSnapshot.StopCause.restart(e.detail())),
                e.detail() + "; ");
    }

    /**
     * A notification of the current process (docs/notify.md). None moves the service to another state:
     * {@code READY=1} makes a {@code ready { notify = true }} service ready (like a readiness probe's
     * pass) and ends a {@code RELOADING=1}; {@code EXTEND_TIMEOUT_USEC} lengthens a start still waiting
     * for readiness or a stop; the rest is recorded for {@code svctl status}.
     */
    private Transition onNotified(ServiceSnapshot s, ServiceSpec spec, Event.Notified e, Instant now) {
        if (!s.state().hasProcess() || s.pid() == 0 || s.pid() != e.pid()) {
            return unchanged(s); // from a process that is gone: its news is not the service's
        }
        Draft d = new Draft(s);
        Event.Notice n = e.notice();
        if (n instanceof Event.Notice.Ready) {
            d.notified = d.notified.withReloading(false);
            if (spec.readyByNotify() && s.state() != ServiceState.STOPPING) {
                d.ready = true; // without ready { notify = true } READY=1 only ends a reload
            }
        } else if (n instanceof Event.Notice.Reloading) {
            d.notified = d.notified.withReloading(s.state() != ServiceState.STOPPING);
        } else if (n instanceof Event.Notice.Stopping) {
            d.notified = d.notified.withStopping();
        } else if (n instanceof Event.Notice.Status st) {
            d.notified = d.notified.withStatus(st.text());
        } else if (n instanceof Event.Notice.MainPid m) {
            d.notified = d.notified.withMainPid(m.pid());
        } else if (n instanceof Event.Notice.ExtendTimeout x) {
            boolean startBound = s.state() != ServiceState.STOPPING && !s.ready() && spec.ready().isPresent();
            if (startBound || s.state() == ServiceState.STOPPING) {
                Instant until = now.plus(x.by());
                Instant before = s.notified().extendedUntil();
                d.notified = d.notified.withExtendedUntil(before != null && before.isAfter(until) ? before : until);
            } // else no timeout runs that it could extend
        }
        return d.notified.equals(s.notified()) && d.ready == s.ready() ? unchanged(s) : d.stay();
    }

    private static boolean extended(ServiceSnapshot s, Instant now) {
        return s.notified().extendedUntil() != null && s.notified().extendedUntil().isAfter(now);
    }

    /** Move to STARTING and ask for a spawn; the start counts toward the start limit. */
    private static Transition spawn(Draft d, Instant now, String reason) {
        return spawn(d, now, null, reason);
    }

    /** {@link #spawn(Draft, Instant, String)} for a restart that {@code kind} (null: none) caused. */
    private static Transition spawn(Draft d, Instant now, FailureKind kind, String reason) {
        d.pid = 0;
        d.startedAt = null;
        d.generation++;
        d.killed = false;
        d.ready = false;
        d.stopCause = Optional.empty();
        d.health = Health.UNKNOWN; // a new process has not been probed yet
        d.probe = "";
        d.notified = NotifyState.NONE;
        d.recentStarts.add(now);
        return d.fail(ServiceState.STARTING, kind, reason, new Spawn());
    }

    /** No restart wait for the first crash; then initial, doubling to max, with equal jitter. */
    Duration backoffDelay(ServiceSpec spec, int crashes) {
        if (crashes <= 1) {
            return Duration.ZERO;
        }
        long initial = spec.backoff().initial().toMillis();
        long max = spec.backoff().max().toMillis();
        long base = initial;
        for (int i = 2; i < crashes && base < max; i++) {
            base *= 2;
        }
        base = Math.min(base, max);
        long half = base / 2;
        return Duration.ofMillis(base - half + (long) (jitter.getAsDouble() * half));
    }

    private static List<Instant> withinInterval(List<Instant> starts, ServiceSpec spec, Instant now) {
        Instant cutoff = now.minus(spec.startLimit().interval());
        List<Instant> kept = new ArrayList<>();
        for (Instant t : starts) {
            if (t.isAfter(cutoff)) {
                kept.add(t);
            }
        }
        return kept;
    }

    private static Transition unchanged(ServiceSnapshot s) {
        return new Transition(s, List.of());
    }

    /** A mutable copy of a snapshot used while computing one transition; {@link #move} is the only state writer. */
    private static final class Draft {
        private final ServiceSnapshot from;
        int pid;
        Instant startedAt;
        int restarts;
        int crashes;
        List<Instant> recentStarts;
        Optional<ExitStatus> lastExit;
        String reason;
        long generation;
        boolean killed;
        boolean restartAfterStop;
        boolean ready;
        Optional<ServiceSnapshot.StopCause> stopCause;
        Health health;
        String probe;
        Optional<FailureKind> failure;
        NotifyState notified;

        Draft(ServiceSnapshot s) {
            from = s;
            pid = s.pid();
            startedAt = s.startedAt();
            restarts = s.restarts();
            crashes = s.crashes();
            recentStarts = new ArrayList<>(s.recentStarts());
            lastExit = s.lastExit();
            reason = s.reason();
            generation = s.generation();
            killed = s.killed();
            restartAfterStop = s.restartAfterStop();
            ready = s.ready();
            stopCause = s.stopCause();
            health = s.health();
            probe = s.probe();
            failure = s.failure();
            notified = s.notified();
        }

        /** A move whose reason tells of no failure. */
        Transition move(ServiceState to, String why, Effect... effects) {
            return fail(to, null, why, effects);
        }

        /** A move whose reason tells of a failure of {@code kind} (null: of none); records both together. */
        Transition fail(ServiceState to, FailureKind kind, String why, Effect... effects) {
            if (!from.state().canMoveTo(to)) {
                throw new IllegalStateException(from.name() + ": illegal move " + from.state().label() + " -> " + to.label());
            }
            reason = why;
            failure = Optional.ofNullable(kind);
            return new Transition(build(to), List.of(effects));
        }

        Transition stay(Effect... effects) {
            return new Transition(build(from.state()), List.of(effects));
        }

        ServiceSnapshot build() {
            return build(from.state());
        }

        private ServiceSnapshot build(ServiceState state) {
            return new ServiceSnapshot(from.name(), state, pid, startedAt, restarts, crashes, recentStarts, lastExit,
                    health, reason, generation, killed, restartAfterStop, ready, probe, stopCause, failure, notified);
        }
    }
}
