package dev.svd.engine;

import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.text.Durations;
import dev.svd.timing.TimerQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Callers of {@link ServiceControl#awaitReady} waiting for services to be running and ready: each
 * completes once all its services are, as soon as one of them is down, or after its timeout. Judged on
 * the engine's own state after every batch of work, so it needs no event. Engine thread only.
 */
final class ReadyWaiters {
    private record Wait(List<String> names, Duration timeout, CompletableFuture<ReadyOutcome> future) {}

    private final TimerQueue timers;
    private final Map<String, ServiceSnapshot> services;
    private final Predicate<String> mustBeDown;
    private final List<Wait> waiting = new ArrayList<>();

    /**
     * @param services   the engine's live service map
     * @param mustBeDown whether svd wants a service down (not wanted, or shutting down)
     */
    ReadyWaiters(TimerQueue timers, Map<String, ServiceSnapshot> services, Predicate<String> mustBeDown) {
        this.timers = timers;
        this.services = services;
        this.mustBeDown = mustBeDown;
    }

    /** Waits for {@code names}; {@link #settle()} judges it after the work at hand, the timer after {@code timeout}. */
    void await(List<String> names, Duration timeout, CompletableFuture<ReadyOutcome> future) {
        Wait w = new Wait(List.copyOf(names), timeout, future);
        waiting.add(w);
        timers.schedule(timeout.toNanos(), () -> {
            if (waiting.remove(w)) {
                ReadyOutcome now = judge(w.names, services, mustBeDown); // ready in this very batch of work
                w.future.complete(now != null ? now : timedOut(w.names, w.timeout, services));
            }
        });
    }

    /** Completes every wait whose services are all ready, or one of which is down or gone. */
    void settle() {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Wait w = it.next();
            ReadyOutcome outcome = judge(w.names, services, mustBeDown);
            if (outcome != null) {
                it.remove();
                w.future.complete(outcome);
            }
        }
    }

    /** The outcome for {@code names} now, or null while some are still on their way to ready. */
    static ReadyOutcome judge(List<String> names, Map<String, ServiceSnapshot> services, Predicate<String> mustBeDown) {
        boolean all = true;
        for (String name : names) {
            ServiceSnapshot s = services.get(name);
            if (s == null) {
                return new ReadyOutcome(ReadyOutcome.Kind.NO_SUCH_SERVICE, name, "no such service: " + name);
            }
            ServiceState state = s.state();
            // FAILED and EXITED are started again only by the operator (Lifecycle.onStart); a STOPPED service that
            // must be down stays so. STOPPING is not judged: a restart or a config change passes through it.
            if (state == ServiceState.FAILED || state == ServiceState.EXITED
                    || state == ServiceState.STOPPED && mustBeDown.test(name)) {
                return new ReadyOutcome(ReadyOutcome.Kind.DOWN, name, name + " will not become ready: it is "
                        + state.label() + " (" + s.reason() + ")");
            }
            all &= state == ServiceState.RUNNING && s.ready();
        }
        return all ? new ReadyOutcome(ReadyOutcome.Kind.READY, null, String.join(", ", names) + ": ready") : null;
    }

    /** The timeout passed: names the first service that was not ready, and where each one was. */
    static ReadyOutcome timedOut(List<String> names, Duration timeout, Map<String, ServiceSnapshot> services) {
        String first = null;
        List<String> where = new ArrayList<>();
        for (String name : names) {
            ServiceSnapshot s = services.get(name);
            if (s == null || s.state() != ServiceState.RUNNING || !s.ready()) {
                first = first == null ? name : first;
                where.add(name + " (" + Waiters.stuckIn(s) + ")");
            }
        }
        return new ReadyOutcome(ReadyOutcome.Kind.TIMEOUT, first, "not ready after " + Durations.human(timeout) + ": "
                + String.join("; ", where));
    }
}
