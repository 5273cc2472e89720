package dev.svd.engine;

import dev.svd.config.ConfigException;
import dev.svd.config.ConfigProblem;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.SupervisorSpec;
import dev.svd.health.ProbeCounter;
import dev.svd.health.ProbeKind;
import dev.svd.health.ProbeResult;
import dev.svd.health.Prober;
import dev.svd.lifecycle.Effect;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.lifecycle.Transition;
import dev.svd.os.OutputKind;
import dev.svd.os.SpawnException;
import dev.svd.protocol.ErrorCode;
import dev.svd.text.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one thread that owns all service state. Everyone else offers work to its inbox (process
 * exits from the reaper, control requests, signals) and reads published snapshots. Timers are
 * entries in its own queue, so nothing polls. Applies {@link Lifecycle} and carries out its effects;
 * decides, through {@link Goals}, which service to start or stop next in dependency order.
 */
public final class Engine implements ServiceControl, ServiceOutput, ConfigControl, ShutdownControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** How long {@link #close()} waits for a spawn in flight (a spawn takes milliseconds). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final java.time.format.DateTimeFormatter PROBE_TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneId.systemDefault());

    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Timers timers;
    private final Lifecycle lifecycle;
    private final ProcessRunner runner;
    private final OutputRegistry outputs;
    private final ConfigSource configSource;
    private final Clock clock;
    private final EventLog events = new EventLog(this::publish); // publish, then announce: see EventLog
    private final Thread thread;
    private final CompletableFuture<StopOutcome> stopped = new CompletableFuture<>();

    // Engine thread only.
    private final Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
    private final Map<Integer, String> pidOwners = new HashMap<>();
    private final Waiters waiters;
    private final ReadyWaiters readyWaiters;
    private final List<Runnable> deferredLogs = new ArrayList<>();
    /** Spawns asked for during a reconcile pass; null outside one. */
    private List<ServiceSpec> batch;
    private final BatchSpawner spawner;
    private final Probes probes;
    private final Goals goals;
    private final Reloader reloader;
    private boolean shuttingDown;
    private boolean anyKilled;
    private boolean essentialFailed;
    /** Spawns that failed for want of descriptors since {@link #lastShortageWarning}; engine thread. */
    private int shortages;
    private Instant lastShortageWarning;
    private long eventSeq;
    private boolean dirty;

    private volatile Map<String, ServiceSnapshot> published = Map.of();
    private volatile SupervisorSpec config;

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
        this.timers = new Timers(nanoTime);
        this.config = config;
        this.configSource = configSource;
        this.runner = runner;
        this.outputs = outputs;
        this.spawner = new BatchSpawner(runner, outputs);
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.goals = new Goals(config);
        this.reloader = new Reloader(runner, outputs, timers, this::offer, services::get);
        this.waiters = new Waiters(timers, services::get);
        this.readyWaiters = new ReadyWaiters(timers, services, goals::mustBeDown);
        this.probes = new Probes(prober, (name, pid, kind, result) -> offer(() -> probed(name, pid, kind, result)));
        for (String name : config.services().keySet()) {
            services.put(name, ServiceSnapshot.initial(name));
        }
        publish();
        this.thread = new Thread(this::loop, "svd-engine");
    }

    /** Starts the engine thread and brings every service up in dependency order. */
    public void start() {
        thread.start();
        offer(() -> goals.wantAll(services.keySet()));
    }

    /**
     * Before {@link #start()}: service {@code name} takes over {@code pid}, a process group a killed
     * svd left running ({@code on-leftover = adopt}), started at {@code startTime} (clock ticks
     * since boot). If it cannot, the group is killed and the service starts afresh.
     */
    public void adopt(String name, int pid, long startTime, Instant startedAt) {
        offer(() -> {
            ServiceSpec spec = config.services().get(name);
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
                reconcile();
                flushLogs();
                if (dirty) {
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
        runner.settle(); // the ledger first: until it is written, a killed svd leaves these processes unrecorded
        for (Runnable line : deferredLogs) {
            line.run();
        }
        deferredLogs.clear();
    }

    // ---- applying the lifecycle -------------------------------------------------------------

    private void apply(String name, Event event) {
        ServiceSnapshot before = services.get(name);
        ServiceSpec spec = config.services().get(name);
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
            events.add(new ServiceEvent(++eventSeq, clock.instant(), name, before.state(), next.state(), next.reason()));
        } else if (next.killed() && !before.killed()) {
            log.warn("{}: {}", name, next.reason());
        }
        if (!next.state().hasProcess() || next.state() == ServiceState.STOPPING) {
            probes.stopped(name);
        }
        for (Effect effect : t.effects()) {
            carryOut(name, spec, effect);
        }
    }

    private void carryOut(String name, ServiceSpec spec, Effect effect) {
        if (effect instanceof Effect.Spawn) {
            if (batch != null) {
                batch.add(spec);
            } else {
                spawned(spec, spawner.spawn(spec));
            }
        } else if (effect instanceof Effect.SignalGroup s) {
            runner.signalGroup(s.pid(), s.signal());
        } else if (effect instanceof Effect.ArmTimer a) {
            timers.schedule(a.delay().toNanos(), () -> apply(name, new Event.TimerFired(a.kind(), a.generation())));
        }
    }

    /** Feeds a spawn's outcome to the lifecycle, on the engine thread. */
    private void spawned(ServiceSpec spec, SpawnOutcome outcome) {
        String name = spec.name();
        if (outcome instanceof SpawnOutcome.Spawned spawned) {
            int pid = spawned.pid();
            pidOwners.put(pid, name);
            Instant at = clock.instant();
            apply(name, new Event.Spawned(pid, at));
            probes.started(spec, pid, at);
        } else {
            SpawnException e = ((SpawnOutcome.Failed) outcome).cause();
            boolean shortage = e.kind() == SpawnException.Kind.FD_SHORTAGE;
            if (shortage) {
                warnOfShortage(name);
            }
            apply(name, new Event.SpawnFailed(e.getMessage(), e.kind().temporary()));
        }
    }

    /**
     * svd out of descriptors is svd's environment at fault, not a service: a WARN, at most once a
     * minute (each service's retry would repeat it), besides the transition each service logs.
     */
    private void warnOfShortage(String name) {
        Instant now = clock.instant();
        shortages++;
        if (lastShortageWarning == null || !now.isBefore(lastShortageWarning.plusSeconds(60))) {
            log.warn("svd is out of file descriptors: cannot spawn {}{}; services that find none wait in backoff and are"
                    + " tried again. Raise svd's descriptor limit (docs/daemon.md)", name,
                    shortages > 1 ? " (" + (shortages - 1) + " more failed starts since the last warning)" : "");
            lastShortageWarning = now;
            shortages = 0;
        }
    }

    /** Spawns a batch together (BatchSpawner), then feeds the outcomes in order; nothing else happens meanwhile. */
    private void spawnAll(List<ServiceSpec> specs) {
        List<SpawnOutcome> outcomes = spawner.spawnAll(specs);
        for (int i = 0; i < specs.size(); i++) {
            spawned(specs.get(i), outcomes.get(i));
        }
    }

    /** A probe result for the process {@code pid} of {@code name}: health, readiness, liveness. */
    private void probed(String name, int pid, ProbeKind kind, ProbeResult result) {
        ServiceSnapshot s = services.get(name);
        Optional<ProbeCounter> counter = probes.counter(name, pid, kind);
        if (s == null || s.pid() != pid || counter.isEmpty()) {
            return; // for a process that is gone, or a probe since cancelled
        }
        String detail = HealthText.detail(result, config.services().get(name), services);
        Optional<Health> changed = counter.get().record(result.ok(), result.at());
        Health health = s.health();
        boolean judgesHealth = kind == ProbeKind.HEALTH || !probes.hasHealthProbe(name);
        if (changed.isPresent() && judgesHealth) {
            health = changed.get();
        }
        // the snapshot's last result carries its time too (svctl status NAME); reasons do not
        ServiceSnapshot next = s.withProbe(health, detail + " at " + PROBE_TIME.format(result.at()));
        if (!next.equals(s)) {
            services.put(name, next);
            dirty = true;
        }
        boolean nowReady = kind == ProbeKind.READY && changed.orElse(null) == Health.HEALTHY;
        if (nowReady) {
            probes.readyDone(name);
            apply(name, new Event.ReadyPassed(pid)); // before the health event, whose snapshot then shows it ready
        }
        if (health != s.health()) {
            log.info("{}: health {} -> {} ({})", name, s.health().label(), health.label(), detail);
            events.add(new ServiceEvent(++eventSeq, clock.instant(), name, s.state(), s.state(),
                    "health " + s.health().label() + " -> " + health.label() + ": " + detail));
        }
        if (nowReady) {
            log.info("{}: ready ({})", name, detail);
        } else if (kind == ProbeKind.HEALTH && changed.orElse(null) == Health.UNHEALTHY) {
            apply(name, new Event.HealthFailed(pid, detail));
        }
    }

    /** Starts what is wanted and whose dependencies are up; stops what is not wanted and has no running dependents. */
    private void reconcile() {
        // Start requests of one pass spawn together; services that then run may let their
        // dependents start, so pass again until a pass spawns nothing.
        List<ServiceSpec> spawnedInPass;
        do {
            batch = new ArrayList<>();
            reconcilePass();
            spawnedInPass = batch;
            batch = null;
            if (!spawnedInPass.isEmpty()) {
                spawnAll(spawnedInPass);
            }
        } while (!spawnedInPass.isEmpty());
    }

    private void reconcilePass() {
        for (String name : goals.order()) {
            ServiceSnapshot s = services.get(name);
            if (s == null) {
                continue;
            }
            if (goals.mustBeDown(name)) {
                boolean active = s.state().hasProcess() && s.state() != ServiceState.STOPPING
                        || s.state() == ServiceState.BACKOFF;
                if (active && goals.dependentsDown(name, services)) {
                    apply(name, new Event.StopRequested());
                } else if (!s.state().hasProcess() && s.state() != ServiceState.BACKOFF) {
                    settleRemoval(name);
                }
            } else if (goals.wanted(name) && goals.dependenciesUp(name, services)) {
                boolean byOperator = goals.takeOperatorStart(name);
                if (s.state() == ServiceState.STOPPED || byOperator && !s.state().hasProcess()) {
                    apply(name, new Event.StartRequested(byOperator));
                }
            }
        }
    }

    /** A removed service is down: forget it. */
    private void settleRemoval(String name) {
        if (!goals.takeRemoval(name)) {
            return;
        }
        services.remove(name);
        outputs.remove(name);
        Map<String, ServiceSpec> rest = new LinkedHashMap<>(config.services());
        rest.remove(name);
        config = config.withServices(rest, goals.order());
        dirty = true;
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
        published = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        dirty = false;
    }

    // ---- waiting for operator actions ------------------------------------------------------------

    private CompletableFuture<ActionResult> act(String name, Duration timeout, String verb, Runnable action,
                                                Function<ServiceSnapshot, String> success,
                                                Function<ServiceSnapshot, String> failure) {
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        offer(() -> {
            ServiceSnapshot before = services.get(name);
            if (before == null) {
                future.complete(noSuchService(name));
                return;
            }
            action.run();
            waiters.await(before, timeout, verb, success, failure, future);
        });
        return future;
    }

    private static ActionResult noSuchService(String name) {
        return new ActionResult(name, ErrorCode.NO_SUCH_SERVICE, "no such service: " + name, null, Duration.ZERO);
    }

    private static String failedOrExited(ServiceSnapshot s) {
        return s.state() == ServiceState.FAILED || s.state() == ServiceState.EXITED ? s.reason() : null;
    }

    // ---- ServiceControl, ServiceOutput, ConfigControl, ShutdownControl -----------------------

    @Override
    public List<ServiceSnapshot> services() {
        return List.copyOf(published.values());
    }

    @Override
    public Optional<ServiceSnapshot> service(String name) {
        return Optional.ofNullable(published.get(name));
    }

    @Override
    public CompletableFuture<ActionResult> start(String name, Duration timeout) {
        Map<String, String> alsoStarted = new LinkedHashMap<>(); // dependency -> its dependent; engine thread
        return act(name, timeout, "start", () -> {
            goals.dependenciesOf(name).forEach((dep, dependent) -> {
                ServiceSnapshot s = services.get(dep);
                if (s != null && !upAndReady(s)) {
                    alsoStarted.put(dep, dependent);
                }
            });
            goals.operatorStart(name);
        }, s -> upAndReady(s) ? "started" : null, Engine::failedOrExited)
                .thenApply(r -> r.withAlso(related(alsoStarted, s -> upAndReady(s) ? "started" : null,
                        dependent -> dependent + " depends on it")));
    }

    @Override
    public CompletableFuture<ActionResult> stop(String name, Duration timeout) {
        Map<String, String> alsoStopped = new LinkedHashMap<>(); // dependent -> what it depends on; engine thread
        return act(name, timeout, "stop", () -> {
            goals.dependentsOf(name).forEach((dependent, dep) -> {
                ServiceSnapshot s = services.get(dependent);
                if (s != null && active(s)) {
                    alsoStopped.put(dependent, dep);
                }
            });
            goals.operatorStop(name);
        }, s -> active(s) ? null : "stopped: " + s.reason(), s -> null)
                .thenApply(r -> r.withAlso(related(alsoStopped, s -> active(s) ? null : "stopped",
                        dep -> "depends on " + dep)));
    }

    private static boolean upAndReady(ServiceSnapshot s) {
        return s.state() == ServiceState.RUNNING && s.ready();
    }

    private static boolean active(ServiceSnapshot s) {
        return s.state().hasProcess() || s.state() == ServiceState.BACKOFF;
    }

    /**
     * The services an action started or stopped besides its own, as published when it ended:
     * {@code done} names what happened to one (null: it got no further than its state).
     */
    private List<ActionResult.Related> related(Map<String, String> touched, Function<ServiceSnapshot, String> done,
                                               Function<String, String> why) {
        List<ActionResult.Related> out = new ArrayList<>();
        Map<String, ServiceSnapshot> now = published;
        touched.forEach((name, via) -> {
            ServiceSnapshot s = now.get(name);
            String what = s == null ? "removed" : Optional.ofNullable(done.apply(s)).orElse(s.state().label());
            out.add(new ActionResult.Related(name, what, why.apply(via), s));
        });
        return out;
    }

    @Override
    public CompletableFuture<ActionResult> restart(String name, Duration timeout) {
        AtomicReference<Instant> requested = new AtomicReference<>();
        return act(name, timeout, "restart", () -> {
            requested.set(clock.instant());
            goals.operatorStart(name);
            goals.takeOperatorStart(name); // the restart below is the operator's start
            apply(name, new Event.RestartRequested());
        }, s -> s.state() == ServiceState.RUNNING && s.ready() && s.startedAt() != null
                && !s.startedAt().isBefore(requested.get()) ? "restarted" : null, Engine::failedOrExited);
    }

    @Override
    public CompletableFuture<ActionResult> reload(String name, Duration timeout) {
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        offer(() -> {
            ServiceSnapshot s = services.get(name);
            if (s == null) {
                future.complete(noSuchService(name));
            } else {
                reloader.reload(config.services().get(name), s, future);
            }
        });
        return future;
    }

    @Override
    public CompletableFuture<ActionResult> signal(String name, Signal sig) {
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        offer(() -> {
            ServiceSnapshot s = services.get(name);
            if (s == null) {
                future.complete(noSuchService(name));
            } else if (s.pid() == 0 || !s.state().hasProcess()) {
                future.complete(new ActionResult(name, ErrorCode.NOT_RUNNING, name + " is not running (" + s.state().label()
                        + "): nothing to signal", s, Duration.ZERO));
            } else {
                runner.signalProcess(s.pid(), sig);
                log.info("{}: sent SIG{} to pid {} (operator)", name, sig, s.pid());
                future.complete(new ActionResult(name, null, "sent SIG" + sig + " to pid " + s.pid(), s,
                        Duration.ZERO));
            }
        });
        return future;
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
        return outputs.follow(name, stream, sink);
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
    public Optional<ServiceSpec> spec(String name) {
        return Optional.ofNullable(config.services().get(name));
    }

    @Override
    public ConfigChange reread() {
        try {
            Map<String, ServiceSnapshot> now = published;
            return ConfigDiff.between(config, configSource.load(), name -> now.get(name) != null && runs(now.get(name)));
        } catch (ConfigException e) {
            return ConfigDiff.invalid(e.problems().stream().map(ConfigProblem::toString).toList());
        }
    }

    /** Whether a service has a process that is not on its way down: one a config change may restart. */
    private static boolean runs(ServiceSnapshot s) {
        return s.state().hasProcess() && s.state() != ServiceState.STOPPING;
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
        offer(() -> {
            ConfigChange change = ConfigDiff.between(config, next,
                    name -> !shuttingDown && goals.wanted(name) && runs(services.get(name)));
            List<CompletableFuture<ActionResult>> restarts = new ArrayList<>();
            for (ServiceChange c : change.changes()) {
                // before the swap: the old process is stopped with the stop settings it was started with
                restarts.add(c.action() == ServiceChange.Action.RESTART ? restartForUpdate(c.service())
                        : CompletableFuture.completedFuture(null));
            }
            for (String name : change.added()) {
                services.put(name, ServiceSnapshot.initial(name));
            }
            config = withServices(config, next, change);
            goals.update(next, change, shuttingDown);
            for (ServiceChange c : change.changes()) {
                if (c.action() == ServiceChange.Action.WITHOUT_RESTART) {
                    rewatch(c);
                }
            }
            log.info("config updated: added {}, removed {}, changed {}, unchanged {}", change.added(), change.removed(),
                    change.changes().stream().map(c -> c.service() + " " + c.settings() + " " + c.action().wireName()
                            + (c.pending().isEmpty() ? "" : " pending " + c.pending())).toList(),
                    change.unchanged().size());
            dirty = true;
            CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).whenComplete((ignored, e) -> {
                List<ServiceChange> results = new ArrayList<>();
                for (int i = 0; i < restarts.size(); i++) {
                    results.add(change.changes().get(i).withResult(restarts.get(i).getNow(null)));
                }
                done.complete(change.withChanges(results));
            });
        });
        return done;
    }

    /** How long {@code update} waits for each restart it started; {@code svctl status} shows the rest. */
    static final Duration UPDATE_RESTART_WAIT = Duration.ofMinutes(2);

    private CompletableFuture<ActionResult> restartForUpdate(String name) {
        ServiceSnapshot before = services.get(name);
        Instant requested = clock.instant();
        apply(name, new Event.RestartRequested());
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        waiters.await(before, UPDATE_RESTART_WAIT, "restart", s -> s.state() == ServiceState.RUNNING && s.ready()
                && s.startedAt() != null && !s.startedAt().isBefore(requested) ? "restarted" : null,
                Engine::failedOrExited, future);
        return future;
    }

    /** A changed probe of a running process: watch it afresh with the new spec. */
    private void rewatch(ServiceChange c) {
        boolean ready = c.settings().contains("ready");
        boolean health = c.settings().contains("health");
        ServiceSnapshot s = services.get(c.service());
        if (!(ready || health) || s == null || s.pid() == 0 || !runs(s)) {
            return;
        }
        if (!probes.respecced(config.services().get(c.service()), s.pid(), ready, health)) {
            apply(c.service(), new Event.ReadyPassed(s.pid())); // the new spec has no readiness probe to wait for
        }
    }

    /**
     * The running config with the new specs of added and changed services; removed ones stay until
     * they are down. A changed service keeps its old {@code log} settings: its log file stays open
     * for svd's life (LoggedOutputs), so a changed {@code log} is reported as pending.
     */
    private static SupervisorSpec withServices(SupervisorSpec current, SupervisorSpec next, ConfigChange change) {
        Map<String, ServiceSpec> all = new LinkedHashMap<>(current.services());
        for (String name : change.added()) {
            all.put(name, next.services().get(name));
        }
        for (ServiceChange c : change.changes()) {
            ServiceSpec old = current.services().get(c.service());
            all.put(c.service(), next.services().get(c.service()).with(b -> b.log = old.log()));
        }
        return next.withServices(all, next.startOrder());
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
                ServiceSpec spec = config.services().get(s.name());
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
        goals.wantNone();
        Duration budget = config.daemon().stopBudget();
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
        if (thread.isAlive()) {
            log.warn("engine: thread still busy {} after close", Durations.human(CLOSE_WAIT));
        }
    }
}
