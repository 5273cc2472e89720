package dev.svd.engine;

import dev.svd.config.ConfigException;
import dev.svd.config.ConfigProblem;
import dev.svd.config.ServiceSpec;
import dev.svd.os.HeldSockets;
import dev.svd.config.Signal;
import dev.svd.config.SupervisorSpec;
import dev.svd.health.ProbeKind;
import dev.svd.health.ProbeResult;
import dev.svd.health.Prober;
import dev.svd.lifecycle.Effect;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.lifecycle.Transition;
import dev.svd.os.OutputKind;
import dev.svd.os.SpawnException;
import dev.svd.text.Durations;
import dev.svd.timing.TimerQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one thread that owns all service state. Everyone else offers work to its inbox (process
 * exits from the reaper, control requests, signals) and reads published snapshots. Timers are
 * entries in its own queue, so nothing polls. Applies {@link Lifecycle} and carries out its effects.
 * The engine runs the inbox loop, applies events, publishes and shuts down; the rest is done on its
 * thread by collaborators it owns: {@link Reconciler} (which service to start or stop next in
 * dependency order, through {@link Goals}; spawns; the config swap of {@code update}),
 * {@link ControlFacade} (the operator's actions and their waiters) and {@link ProbeRouting} (probe
 * results to readiness, liveness and health).
 */
public final class Engine implements ServiceControl, ServiceOutput, ConfigControl, ShutdownControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** How long {@link #close()} waits for a spawn in flight (a spawn takes milliseconds). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    /** The most works done without a reconcile pass while more work waits. */
    private static final int WORKS_PER_PASS = 32;
    private int worksSincePass;
    private final TimerQueue timers;
    private final Lifecycle lifecycle;
    private final ProcessRunner runner;
    private final OutputRegistry outputs;
    private final ConfigSource configSource;
    private final Clock clock;
    private final EventLog events = new EventLog(this::publish); // publish, then announce: see EventLog
    private final Thread thread;
    private final CompletableFuture<StopOutcome> stopped = new CompletableFuture<>();

    // Engine thread only (the collaborators below run on it too and share these maps).
    private final ServiceMap services = new ServiceMap();
    private final Map<Integer, String> pidOwners = new HashMap<>();
    private final Waiters waiters;
    private final ReadyWaiters readyWaiters;
    private final List<Runnable> deferredLogs = new ArrayList<>();
    private final BatchSpawner spawner;
    private final Probes probes;
    private final Goals goals;
    private final Reconciler reconciler;
    private final ControlFacade control;
    private final ProbeRouting probeRouting;
    private final NotifyRouting notifyRouting;
    private volatile dev.svd.os.NotifySocket notifySocket;
    private boolean shuttingDown;
    private boolean anyKilled;
    private boolean essentialFailed;
    private long eventSeq;
    private boolean dirty;

    private volatile PublishedSnapshots published = PublishedSnapshots.EMPTY;
    private volatile WantedServices publishedWanted;
    /** Engine thread: start() has made every service wanted (before it, all count as wanted: svd is starting). */
    private boolean goalsSet;
    /** Engine thread: goals or shutdown changed since publishedWanted was made (rebuilt only then: O(n)). */
    private boolean wantedStale = true;

    public Engine(SupervisorSpec config, ConfigSource configSource, ProcessRunner runner, OutputRegistry outputs,
                  Lifecycle lifecycle, Clock clock) {
        this(config, configSource, runner, outputs, lifecycle, clock, null);
    }

    /** @param prober runs the services' ready and health probes; null for none */
    public Engine(SupervisorSpec config, ConfigSource configSource, ProcessRunner runner, OutputRegistry outputs,
                  Lifecycle lifecycle, Clock clock, Prober prober) {
        this(config, configSource, runner, outputs, lifecycle, clock, prober, System::nanoTime);
    }

    /** @param nanoTime the clock of the engine's timers (backoff, stop timeout, start seconds...): a test's fake */
    Engine(SupervisorSpec config, ConfigSource configSource, ProcessRunner runner, OutputRegistry outputs,
           Lifecycle lifecycle, Clock clock, Prober prober, LongSupplier nanoTime) {
        this.timers = new TimerQueue(nanoTime);
        this.configSource = configSource;
        this.runner = runner;
        this.outputs = outputs;
        this.spawner = new BatchSpawner(runner, outputs);
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.goals = new Goals(config);
        Reloader reloader = new Reloader(runner, outputs, timers, this::offer, services::get);
        this.waiters = new Waiters(timers, services::get);
        this.readyWaiters = new ReadyWaiters(timers, services, goals::mustBeDown);
        this.probes = new Probes(prober, (name, pid, kind, result) -> offer(() -> probed(name, pid, kind, result)));
        this.reconciler = new Reconciler(config, services, pidOwners, goals, spawner, outputs, probes, waiters, clock,
                this::apply, () -> dirty = true);
        this.control = new ControlFacade(this::offer, services, () -> published, reconciler::config, goals, waiters,
                reloader, runner, clock, this::apply);
        this.probeRouting = new ProbeRouting(services, probes, reconciler::config, this::apply, () -> dirty = true,
                (name, from, to, reason) -> events.add(new ServiceEvent(++eventSeq, clock.instant(), name, from, to, reason)));
        this.notifyRouting = new NotifyRouting(services, reconciler::config, this::apply, timers, nanoTime,
                reloader::notified);
        for (String name : config.services().keySet()) {
            services.put(name, ServiceSnapshot.initial(name));
        }
        publish();
        this.thread = new Thread(this::loop, "svd-engine");
    }

    /** Starts the engine thread and brings every service up in dependency order. */
    public void start() {
        thread.start();
        offer(() -> {
            goals.wantAll(services.keySet());
            goalsSet = true;
            wantedStale = true;
        });
    }

    /**
     * Before {@link #start()}: service {@code name} takes over {@code pid}, a process group a killed
     * svd left running ({@code on-leftover = adopt}), started at {@code startTime} (clock ticks
     * since boot). If it cannot, the group is killed and the service starts afresh.
     */
    public void adopt(String name, int pid, long startTime, Instant startedAt) {
        offer(() -> {
            ServiceSpec spec = reconciler.config().services().get(name);
            try {
                runner.adopt(spec, pid, startTime, outputs.listenerFor(spec));
            } catch (SpawnException e) {
                log.warn("{}: cannot adopt process group {}: {}; killing it", name, pid, e.getMessage());
                runner.signalGroup(pid, Signal.KILL);
                runner.exited(pid);
                return;
            }
            goals.wantAll(List.of(name)); // before start() wants every service: not stopped as unwanted meanwhile
            pidOwners.put(pid, name);
            apply(name, new Event.Adopted(pid, startedAt));
            probes.started(spec, pid, startedAt);
        });
    }

    /** Called by the reaper when a main process has ended and its group is empty. Any thread. */
    public void processExited(int pid, ExitStatus status) {
        offer(() -> {
            String name = pidOwners.remove(pid);
            if (name != null) {
                apply(name, new Event.ProcessExited(pid, status));
            }
            runner.exited(pid); // bookkeeping after the restart it may have caused, not before

        });
    }

    /**
     * Before {@link #start()}: the services' notifications come from {@code socket} (docs/notify.md); its
     * thread offers each one to the inbox, where {@link NotifyRouting} decides whose it is.
     */
    public void listenForNotifications(dev.svd.os.NotifySocket socket) {
        notifySocket = socket;
        socket.start(n -> offer(() -> notifyRouting.notified(n)));
    }

    /** A probe result, on the engine thread: see {@link ProbeRouting}. */
    private void probed(String name, int pid, ProbeKind kind, ProbeResult result) {
        probeRouting.probed(name, pid, kind, result);
    }

    /** Completes when every service is down after {@link #shutdown()} or an essential service failed. */
    public CompletableFuture<StopOutcome> stopped() {
        return stopped;
    }

    private void offer(Runnable work) {
        inbox.add(work);
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long wait = timers.nanosUntilNext();
                Runnable work = wait == 0 ? inbox.poll() : inbox.poll(Math.min(wait, TimeUnit.DAYS.toNanos(1)), TimeUnit.NANOSECONDS);
                if (work != null) {
                    work.run();
                }
                flushLogs();
                timers.runDue();
                // A pass looks at every service: while more work waits (2,000 exits in a stop of
                // all), one pass for a few works instead of one per work (docs/benchmarks.md, "Scale").
                if (inbox.isEmpty() || ++worksSincePass >= WORKS_PER_PASS) {
                    worksSincePass = 0;
                    reconciler.reconcile();
                }
                flushLogs();
                boolean goalsChanged = goals.takeChanged();
                wantedStale |= goalsChanged;
                if (dirty || goalsChanged) {
                    publish(); // before waiters complete, so their callers read what they waited for
                }
                waiters.settle(services);
                readyWaiters.settle();
                if (shuttingDown && !stopped.isDone() && allDown()) {
                    stopped.complete(essentialFailed ? StopOutcome.ESSENTIAL_FAILED
                            : anyKilled ? StopOutcome.KILLED : StopOutcome.CLEAN);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                String ref = Long.toHexString(System.nanoTime() & 0xffffff);
                log.error("engine: unexpected error (ref {})", ref, e);
            }
        }
    }

    /** After each batch of work: the log lines it produced, and the process ledger. */
    private void flushLogs() {
        // the ledger first: until it is written, a killed svd leaves these processes unrecorded.
        // Only ends of processes wait while more work is queued: a stop of 2,000 services rewrote
        // the whole ledger once per exit (docs/benchmarks.md, "Scale"); see ProcessLedger.flushAdditions.
        runner.settle(!inbox.isEmpty());
        for (Runnable line : deferredLogs) {
            line.run();
        }
        deferredLogs.clear();
    }

    // ---- applying the lifecycle -------------------------------------------------------------

    private void apply(String name, Event event) {
        ServiceSnapshot before = services.get(name);
        ServiceSpec spec = reconciler.config().services().get(name);
        if (before == null || spec == null) {
            return;
        }
        Transition t = lifecycle.apply(before, spec, event, clock.instant());
        ServiceSnapshot next = t.next();
        if (next == before) {
            return;
        }
        services.put(name, next);
        dirty = true;
        if (before.state() == ServiceState.STOPPING && before.killed() && event instanceof Event.ProcessExited) {
            anyKilled = true;
        }
        if (t.changes(before)) {
            String from = before.state().label();
            // written after this inbox item, so a restart's spawn does not wait for the log line
            deferredLogs.add(() -> {
                MDC.put("service", name);
                log.info("{}: {} -> {} ({})", name, from, next.state().label(), next.reason());
                MDC.remove("service");
            });
            if (next.state() == ServiceState.FAILED && spec.essential() && !shuttingDown) {
                log.error("{} is essential and failed; stopping every service, svd will exit with status 2", name);
                essentialFailed = true;
                beginShutdown();
            }
            if ((next.state() == ServiceState.FAILED || next.state() == ServiceState.EXITED) && !spec.sockets().isEmpty()) {
                // No process will come to accept (docs/sockets.md): clients are refused at once rather than
                // wait in the backlog until they time out. Bound again at the service's next start.
                runner.retainSockets(name, List.of());
            }
            events.add(new ServiceEvent(++eventSeq, clock.instant(), name, before.state(), next.state(), next.reason()));
        } else if (next.killed() && !before.killed()) {
            log.warn("{}: {}", name, next.reason());
        }
        if (!next.state().hasProcess() || next.state() == ServiceState.STOPPING) {
            probes.stopped(name);
            notifyRouting.stopped(name);
        } else if (next.pid() != 0 && next.pid() != before.pid()) {
            notifyRouting.started(spec, next.pid()); // its watchdog runs from its start
        }
        for (Effect effect : t.effects()) {
            carryOut(name, spec, effect);
        }
    }

    private void carryOut(String name, ServiceSpec spec, Effect effect) {
        if (effect instanceof Effect.Spawn) {
            reconciler.spawn(spec);
        } else if (effect instanceof Effect.SignalGroup s) {
            runner.signalGroup(s.pid(), s.signal());
        } else if (effect instanceof Effect.ArmTimer a) {
            timers.schedule(a.delay().toNanos(), () -> apply(name, new Event.TimerFired(a.kind(), a.generation())));
        }
    }

    private boolean allDown() {
        for (ServiceSnapshot s : services.values()) {
            if (s.state().hasProcess() || s.state() == ServiceState.BACKOFF) {
                return false;
            }
        }
        return true;
    }

    private void publish() {
        published = PublishedSnapshots.of(services, published);
        if (wantedStale) {
            publishedWanted = new WantedServices(goalsSet ? goals.wantedNames() : Set.copyOf(services.keySet()),
                    shuttingDown);
            wantedStale = false;
        }
        dirty = false;
    }

    // ---- ServiceControl, ServiceOutput, ConfigControl, ShutdownControl -----------------------

    @Override
    public List<ServiceSnapshot> services() {
        return List.copyOf(published.values());
    }

    @Override
    public WantedServices wanted() {
        return publishedWanted;
    }

    @Override
    public Optional<ServiceSnapshot> service(String name) {
        return Optional.ofNullable(published.get(name));
    }

    @Override
    public Optional<NotifyCounts> notifyCounts() {
        dev.svd.os.NotifySocket socket = notifySocket;
        if (socket == null) {
            return Optional.empty();
        }
        NotifyRouting.Counts c = notifyRouting.counts();
        return Optional.of(new NotifyCounts(socket.address(), socket.received(), socket.garbage(), c.accepted(),
                c.refused(), c.ignored()));
    }

    @Override
    public CompletableFuture<ActionResult> start(String name, Duration timeout) {
        return control.start(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> stop(String name, Duration timeout) {
        return control.stop(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> restart(String name, Duration timeout) {
        return control.restart(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> reload(String name, Duration timeout) {
        return control.reload(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> signal(String name, Signal sig) {
        return control.signal(name, sig);
    }

    @Override
    public List<String> tail(String name, int lines, OutputKind stream) {
        return outputs.tail(name, lines, stream);
    }

    @Override
    public long outputBytes(String name, OutputKind stream) {
        return outputs.bytes(name, stream);
    }

    @Override
    public AutoCloseable followOutput(String name, OutputKind stream, Consumer<String> sink) {
        return outputs.followShown(name, stream, sink);
    }

    @Override
    public AutoCloseable followText(String name, OutputKind stream, Consumer<String> sink) {
        return outputs.follow(name, stream, sink);
    }

    @Override
    public Path logDir() {
        return outputs.logDir();
    }

    @Override
    public List<ServiceEvent> recentEvents(int limit) {
        return events.recent(limit);
    }

    @Override
    public AutoCloseable subscribe(Consumer<ServiceEvent> sink) {
        return events.subscribe(sink);
    }

    @Override
    public CompletableFuture<ReadyOutcome> awaitReady(Collection<String> names, Duration timeout) {
        CompletableFuture<ReadyOutcome> future = new CompletableFuture<>();
        List<String> copy = List.copyOf(names);
        offer(() -> readyWaiters.await(copy, timeout, future));
        return future;
    }

    @Override
    public List<HeldSockets.Held> sockets(String name) {
        ServiceSpec spec = reconciler.config().services().get(name);
        List<HeldSockets.Held> held = runner.heldSockets().getOrDefault(name, List.of());
        if (spec == null || held.isEmpty()) {
            return List.of();
        }
        // in declared order, each with the descriptor the service's processes get it at (3, 4, ...)
        List<HeldSockets.Held> shown = new java.util.ArrayList<>();
        for (int i = 0; i < spec.sockets().size(); i++) {
            String listen = spec.sockets().get(i).listen();
            if (held.stream().anyMatch(h -> h.listen().equals(listen))) {
                shown.add(new HeldSockets.Held(listen, spec.sockets().get(i).name(), 3 + i));
            }
        }
        return shown;
    }

    @Override
    public Optional<ServiceSpec> spec(String name) {
        return Optional.ofNullable(reconciler.config().services().get(name));
    }

    @Override
    public ConfigChange reread() {
        try {
            Map<String, ServiceSnapshot> now = published;
            return ConfigDiff.between(reconciler.config(), configSource.load(), name -> now.get(name) != null && Reconciler.runs(now.get(name)));
        } catch (ConfigException e) {
            return ConfigDiff.invalid(e.problems().stream().map(ConfigProblem::toString).toList());
        }
    }

    /**
     * Swaps in every changed spec at once (docs/svctl.md, update): a service whose command,
     * directory, environment or user changed is restarted like {@code svctl restart} (its old process
     * stopped with its old stop settings, its dependents left running); probe changes are watched
     * afresh; every other setting is read where it is used. A service without a process gets its new
     * spec at its next start. Completes once every restart has ended (or failed, or timed out).
     */
    @Override
    public CompletableFuture<ConfigChange> update() {
        SupervisorSpec next;
        try {
            next = configSource.load();
        } catch (ConfigException e) {
            return CompletableFuture.completedFuture(
                    ConfigDiff.invalid(e.problems().stream().map(ConfigProblem::toString).toList()));
        }
        CompletableFuture<ConfigChange> done = new CompletableFuture<>();
        offer(() -> reconciler.update(next, shuttingDown, done));
        return done;
    }

    @Override
    public void announce(String subject, String reason) {
        offer(() -> events.add(new ServiceEvent(++eventSeq, clock.instant(), subject, null, null, reason)));
    }

    /** After an outside log rotation: reopens the log files and sends each running service its {@code reopen-signal}. */
    public void reopenLogs() {
        outputs.reopen();
        offer(() -> {
            for (ServiceSnapshot s : services.values()) {
                ServiceSpec spec = reconciler.config().services().get(s.name());
                if (spec != null && spec.reopenSignal().isPresent() && s.pid() != 0 && s.state().hasProcess()) {
                    runner.signalProcess(s.pid(), spec.reopenSignal().get());
                    log.info("{}: sent SIG{} to pid {} (reopen logs)", s.name(), spec.reopenSignal().get(), s.pid());
                }
            }
        });
    }

    @Override
    public void shutdown() {
        offer(this::beginShutdown);
    }

    private void beginShutdown() {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        dirty = true; // publish the shutdown (ServiceControl.wanted)
        wantedStale = true;
        goals.wantNone();
        Duration budget = reconciler.config().daemon().stopBudget();
        log.info("stopping all services (budget {})", Durations.human(budget));
        timers.schedule(budget.toNanos(), this::killEverything);
    }

    /** The stop budget ran out: SIGKILL every group that is still there. */
    private void killEverything() {
        for (ServiceSnapshot s : services.values()) {
            if (s.pid() != 0 && s.state().hasProcess()) {
                log.warn("{}: still {} when the stop budget ran out; sending SIGKILL to its process group",
                        s.name(), s.state().label());
                anyKilled = true;
                runner.signalGroup(s.pid(), Signal.KILL);
            }
        }
    }

    /**
     * Ends the engine thread and the spawn threads and waits for them, so that no spawn still in
     * flight completes after this returns: the caller can then account for every process.
     */
    @Override
    public void close() {
        thread.interrupt();
        spawner.close();
        try {
            if (thread.isAlive() && thread != Thread.currentThread()) {
                thread.join(CLOSE_WAIT.toMillis());
            }
            spawner.close(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.closeSockets();
        if (thread.isAlive()) {
            log.warn("engine: thread still busy {} after close", Durations.human(CLOSE_WAIT));
        }
    }
}
