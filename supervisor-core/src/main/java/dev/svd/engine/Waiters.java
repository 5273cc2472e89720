package dev.svd.engine;

import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.protocol.ErrorCode;
import dev.svd.text.Durations;
import dev.svd.timing.TimerQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Operator actions waiting for their service to reach a state: each completes with success,
 * failure, or a timeout that names the state it was stuck in. Engine thread only.
 */
final class Waiters {
    private final TimerQueue timers;
    private final Function<String, ServiceSnapshot> current;
    private final List<Waiter> waiting = new ArrayList<>();

    Waiters(TimerQueue timers, Function<String, ServiceSnapshot> current) {
        this.timers = timers;
        this.current = current;
    }

    /**
     * Completes {@code future} once {@code success} gives a message (ok) or, after the service has
     * changed, {@code failure} does (its error code comes from the snapshot's failure kind, not from
     * the message); else after {@code timeout}.
     */
    void await(ServiceSnapshot before, Duration timeout, String verb, Function<ServiceSnapshot, String> success,
               Function<ServiceSnapshot, String> failure, CompletableFuture<ActionResult> future) {
        String name = before.name();
        AtomicReference<Waiter> self = new AtomicReference<>();
        self.set(new Waiter(name, s -> {
            String ok = success.apply(s);
            if (ok != null) {
                return new ActionResult(name, null, ok, s, self.get().elapsed());
            }
            String bad = s.generation() != before.generation() || s != before ? failure.apply(s) : null;
            return bad == null ? null : new ActionResult(name, ActionResult.code(s.failure()), name + ": " + bad, s,
                    self.get().elapsed());
        }, future));
        waiting.add(self.get());
        timers.schedule(timeout.toNanos(), () -> {
            if (waiting.remove(self.get())) {
                ServiceSnapshot s = current.apply(name);
                future.complete(new ActionResult(name, ErrorCode.TIMEOUT, name + ": " + verb + " timed out after "
                        + Durations.human(timeout) + " (" + stuckIn(s) + ")", s, timeout));
            }
        });
    }

    /**
     * Where a service was when an action timed out, for the operator: its state and reason, and, for
     * a process that has not passed its readiness probe, that it is not ready and the last probe
     * result, since that is what a start or restart was waiting for
     * ({@code web: start timed out after 2s (running: pid 42; not ready: last probe: connection refused ...)}).
     */
    static String stuckIn(ServiceSnapshot s) {
        if (s == null) {
            return "removed";
        }
        String where = s.state().label() + ": " + s.reason();
        if (s.ready() || !s.state().hasProcess() || s.state() == ServiceState.STOPPING) {
            return where;
        }
        return where + "; not ready: " + (s.probe().isEmpty() ? "no readiness probe result yet" : "last probe: " + s.probe());
    }

    /** Completes every waiter whose service reached its goal (or vanished). */
    void settle(Map<String, ServiceSnapshot> services) {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            ServiceSnapshot s = services.get(w.service);
            ActionResult r = s == null ? new ActionResult(w.service, ErrorCode.NO_SUCH_SERVICE, w.service + " was removed", null,
                    w.elapsed()) : w.outcome.apply(s);
            if (r != null) {
                w.future.complete(r);
                it.remove();
            }
        }
    }
}
