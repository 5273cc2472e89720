package dev.svd.engine;

import dev.svd.config.Signal;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.protocol.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's actions on one service ({@link ServiceControl}'s start, stop, restart, reload, signal):
 * each is offered to the engine's inbox, changes {@link Goals} or applies a lifecycle event there, and
 * answers through {@link Waiters} once the service got where the action sends it. Owned by {@link Engine}:
 * the public methods run on the caller's thread and only offer work; that work runs on the engine thread.
 */
final class ControlFacade {
    private static final Logger log = LoggerFactory.getLogger(Engine.class); // the engine's log lines, as before

    private final Consumer<Runnable> offer;
    private final Map<String, ServiceSnapshot> services;
    private final Supplier<Map<String, ServiceSnapshot>> published;
    private final Supplier<SupervisorSpec> config;
    private final Goals goals;
    private final Waiters waiters;
    private final Reloader reloader;
    private final ProcessRunner runner;
    private final Clock clock;
    private final BiConsumer<String, Event> apply;

    /**
     * @param offer     offers work to the engine's inbox
     * @param services  the engine's service states (engine thread)
     * @param published the last published snapshots (any thread)
     * @param apply     applies a lifecycle event to a service (engine thread)
     */
    ControlFacade(Consumer<Runnable> offer, Map<String, ServiceSnapshot> services,
                  Supplier<Map<String, ServiceSnapshot>> published, Supplier<SupervisorSpec> config, Goals goals,
                  Waiters waiters, Reloader reloader, ProcessRunner runner, Clock clock, BiConsumer<String, Event> apply) {
        this.offer = offer;
        this.services = services;
        this.published = published;
        this.config = config;
        this.goals = goals;
        this.waiters = waiters;
        this.reloader = reloader;
        this.runner = runner;
        this.clock = clock;
        this.apply = apply;
    }

    // ---- waiting for operator actions ------------------------------------------------------------

    private CompletableFuture<ActionResult> act(String name, Duration timeout, String verb, Runnable action,
                                                Function<ServiceSnapshot, String> success,
                                                Function<ServiceSnapshot, String> failure) {
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        offer.accept(() -> {
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

    static String failedOrExited(ServiceSnapshot s) {
        return s.state() == ServiceState.FAILED || s.state() == ServiceState.EXITED ? s.reason() : null;
    }

    // ---- the actions ---------------------------------------------------------------------------

    CompletableFuture<ActionResult> start(String name, Duration timeout) {
        Map<String, String> alsoStarted = new LinkedHashMap<>(); // dependency -> its dependent; engine thread
        return act(name, timeout, "start", () -> {
            goals.dependenciesOf(name).forEach((dep, dependent) -> {
                ServiceSnapshot s = services.get(dep);
                if (s != null && !upAndReady(s)) {
                    alsoStarted.put(dep, dependent);
                }
            });
            goals.operatorStart(name);
        }, s -> upAndReady(s) ? "started" : null, ControlFacade::failedOrExited)
                .thenApply(r -> r.withAlso(related(alsoStarted, s -> upAndReady(s) ? "started" : null,
                        dependent -> dependent + " depends on it")));
    }

    CompletableFuture<ActionResult> stop(String name, Duration timeout) {
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
        Map<String, ServiceSnapshot> now = published.get();
        touched.forEach((name, via) -> {
            ServiceSnapshot s = now.get(name);
            String what = s == null ? "removed" : Optional.ofNullable(done.apply(s)).orElse(s.state().label());
            out.add(new ActionResult.Related(name, what, why.apply(via), s));
        });
        return out;
    }

    CompletableFuture<ActionResult> restart(String name, Duration timeout) {
        AtomicReference<Instant> requested = new AtomicReference<>();
        return act(name, timeout, "restart", () -> {
            requested.set(clock.instant());
            goals.operatorStart(name);
            goals.takeOperatorStart(name); // the restart below is the operator's start
            apply.accept(name, new Event.RestartRequested());
        }, s -> s.state() == ServiceState.RUNNING && s.ready() && s.startedAt() != null
                && !s.startedAt().isBefore(requested.get()) ? "restarted" : null, ControlFacade::failedOrExited);
    }

    CompletableFuture<ActionResult> reload(String name, Duration timeout) {
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        offer.accept(() -> {
            ServiceSnapshot s = services.get(name);
            if (s == null) {
                future.complete(noSuchService(name));
            } else {
                reloader.reload(config.get().services().get(name), s, future);
            }
        });
        return future;
    }

    CompletableFuture<ActionResult> signal(String name, Signal sig) {
        CompletableFuture<ActionResult> future = new CompletableFuture<>();
        offer.accept(() -> {
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
}
