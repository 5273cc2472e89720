package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.SpawnException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the services to what {@link Goals} wants: reconcile passes (start what is wanted and whose
 * dependencies are up, stop what is not wanted, spawning each pass's starts together), the spawns'
 * outcomes, and the config swap of {@code update}. Holds the running config. Owned by {@link Engine};
 * engine thread only, except {@link #config()}, which any thread may read.
 */
final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Engine.class); // the engine's log lines, as before

    /** How long {@code update} waits for each restart it started; {@code svctl status} shows the rest. */
    static final Duration UPDATE_RESTART_WAIT = Duration.ofMinutes(2);

    private final Map<String, ServiceSnapshot> services;
    private final Map<Integer, String> pidOwners;
    private final Goals goals;
    private final BatchSpawner spawner;
    private final OutputRegistry outputs;
    private final Probes probes;
    private final Waiters waiters;
    private final Clock clock;
    private final BiConsumer<String, Event> apply;
    private final Runnable dirty;

    /** Spawns asked for during a reconcile pass; null outside one. */
    private List<ServiceSpec> batch;
    /** Spawns that failed for want of descriptors since {@link #lastShortageWarning}. */
    private int shortages;
    private Instant lastShortageWarning;
    private volatile SupervisorSpec config;

    /**
     * @param services  the engine's service states, which this adds to and removes from
     * @param pidOwners the engine's map from main process to service, which this adds spawned ones to
     * @param apply     applies a lifecycle event to a service
     * @param dirty     marks the services as changed since the last publish
     */
    Reconciler(SupervisorSpec config, Map<String, ServiceSnapshot> services, Map<Integer, String> pidOwners, Goals goals,
               BatchSpawner spawner, OutputRegistry outputs, Probes probes, Waiters waiters, Clock clock,
               BiConsumer<String, Event> apply, Runnable dirty) {
        this.config = config;
        this.services = services;
        this.pidOwners = pidOwners;
        this.goals = goals;
        this.spawner = spawner;
        this.outputs = outputs;
        this.probes = probes;
        this.waiters = waiters;
        this.clock = clock;
        this.apply = apply;
        this.dirty = dirty;
    }

    /** The running config: the last one {@code update} swapped in, less the removed services that are down. */
    SupervisorSpec config() {
        return config;
    }

    /** The lifecycle's {@code Spawn} effect: joins the pass's batch, or spawns at once outside a pass. */
    void spawn(ServiceSpec spec) {
        if (!spec.sockets().isEmpty()) {
            try {
                spawner.holdSockets(spec); // bound here, on the engine thread, before the first start
            } catch (SpawnException e) {
                spawned(spec, new SpawnOutcome.Failed(e));
                return;
            }
        }
        if (batch != null) {
            batch.add(spec);
        } else {
            spawned(spec, spawner.spawn(spec));
        }
    }

    /** Feeds a spawn's outcome to the lifecycle, on the engine thread. */
    private void spawned(ServiceSpec spec, SpawnOutcome outcome) {
        String name = spec.name();
        if (outcome instanceof SpawnOutcome.Spawned spawned) {
            int pid = spawned.pid();
            pidOwners.put(pid, name);
            Instant at = clock.instant();
            apply.accept(name, new Event.Spawned(pid, at));
            probes.started(spec, pid, at);
        } else {
            SpawnException e = ((SpawnOutcome.Failed) outcome).cause();
            boolean shortage = e.kind() == SpawnException.Kind.FD_SHORTAGE;
            if (shortage) {
                warnOfShortage(name);
            }
            apply.accept(name, new Event.SpawnFailed(e.getMessage(), e.kind().temporary()));
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

    /** Starts what is wanted and whose dependencies are up; stops what is not wanted and has no running dependents. */
    void reconcile() {
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
                    apply.accept(name, new Event.StopRequested());
                } else if (!s.state().hasProcess() && s.state() != ServiceState.BACKOFF) {
                    settleRemoval(name);
                }
            } else if (goals.wanted(name) && goals.dependenciesUp(name, services)) {
                boolean byOperator = goals.takeOperatorStart(name);
                if (s.state() == ServiceState.STOPPED || byOperator && !s.state().hasProcess()) {
                    apply.accept(name, new Event.StartRequested(byOperator));
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
        dirty.run();
    }

    /** Whether a service has a process that is not on its way down: one a config change may restart. */
    static boolean runs(ServiceSnapshot s) {
        return s.state().hasProcess() && s.state() != ServiceState.STOPPING;
    }

    /**
     * The engine-thread half of {@link Engine#update()}: swaps in every changed spec of {@code next} at
     * once and completes {@code done} once every restart has ended (or failed, or timed out).
     */
    void update(SupervisorSpec next, boolean shuttingDown, CompletableFuture<ConfigChange> done) {
        List<String> unbound = holdSockets(next);
        if (!unbound.isEmpty()) {
            done.complete(ConfigDiff.invalid(unbound));
            return;
        }
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
        for (String name : change.removed()) {
            spawner.retainSockets(name, List.of());
        }
        for (ServiceSpec spec : next.services().values()) {
            spawner.retainSockets(spec.name(), spec.sockets());
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
        dirty.run();
        CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).whenComplete((ignored, e) -> {
            List<ServiceChange> results = new ArrayList<>();
            for (int i = 0; i < restarts.size(); i++) {
                results.add(change.changes().get(i).withResult(restarts.get(i).getNow(null)));
            }
            done.complete(change.withChanges(results));
        });
    }

    /**
     * {@code update} binds the sockets that {@code next} adds (of added services, and added entries of
     * changed ones) before it changes anything, so that one that cannot be bound refuses the whole
     * update, and closes again what it bound: the problems, or none. An unchanged service's sockets are
     * left as they are (closed ones of a failed service stay closed until its next start).
     */
    private List<String> holdSockets(SupervisorSpec next) {
        List<String> problems = new ArrayList<>();
        for (ServiceSpec spec : next.services().values()) {
            ServiceSpec now = config.services().get(spec.name());
            if (spec.sockets().isEmpty() || now != null && ConfigDiff.sameSockets(now, spec)) {
                continue;
            }
            try {
                spawner.holdSockets(spec);
            } catch (SpawnException e) {
                problems.add(spec.name() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            for (ServiceSpec spec : next.services().values()) {
                ServiceSpec now = config.services().get(spec.name());
                spawner.retainSockets(spec.name(), now == null ? List.of() : now.sockets());
            }
        }
        return problems;
    }

    private CompletableFuture<ActionResult> restartForUpdate(String name) {
        ServiceSnapshot before = services.get(name);
        Instant requested = clock.instant();
        apply.accept(name, new Event.RestartRequested());
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        waiters.await(before, UPDATE_RESTART_WAIT, "restart", s -> s.state() == ServiceState.RUNNING && s.ready()
                && s.startedAt() != null && !s.startedAt().isBefore(requested) ? "restarted" : null,
                ControlFacade::failedOrExited, future);
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
            apply.accept(c.service(), new Event.ReadyPassed(s.pid())); // the new spec has no readiness probe to wait for
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
}
