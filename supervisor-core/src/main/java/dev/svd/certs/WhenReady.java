package dev.svd.certs;

import dev.svd.engine.ReadyOutcome;
import dev.svd.engine.ServiceControl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action once, as soon as every named service is running and ready. The engine judges readiness
 * ({@link ServiceControl#awaitReady}) on its own state, so no event can be missed and nothing waits a fixed
 * time. While one of them is down (failed, or stopped by the operator) the next event of a named service asks
 * again: only an operator's start brings it back, and that start is an event. A wait that times out is asked
 * again at once. Runs on {@code thread} only (svd-certs): the engine completes each wait before it sends a later
 * event, and both reach that thread in that order, so an event that could matter is never skipped.
 */
final class WhenReady {
    private static final Logger log = LoggerFactory.getLogger(WhenReady.class);

    private final ServiceControl services;
    private final List<String> names;
    private final Duration wait;
    private final Runnable action;
    private final Executor thread;
    private boolean asking;
    private boolean done;

    WhenReady(ServiceControl services, List<String> names, Duration wait, Runnable action, Executor thread) {
        this.services = services;
        this.names = List.copyOf(names);
        this.wait = wait;
        this.action = action;
        this.thread = thread;
    }

    /** Starts waiting; close the result to stop listening to events. Any thread. */
    AutoCloseable start() {
        if (names.isEmpty()) {
            thread.execute(action);
            return () -> { };
        }
        AutoCloseable subscription = services.subscribe(e -> {
            if (names.contains(e.service())) {
                thread.execute(this::ask);
            }
        });
        thread.execute(this::ask);
        return subscription;
    }

    private void ask() {
        if (done || asking) {
            return;
        }
        asking = true;
        services.awaitReady(names, wait).whenCompleteAsync(this::answered, thread);
    }

    private void answered(ReadyOutcome outcome, Throwable failure) {
        asking = false;
        if (failure != null) {
            log.error("waiting for {} to be ready failed", names, failure);
        } else if (outcome.ready()) {
            done = true;
            action.run();
        } else if (outcome.kind() == ReadyOutcome.Kind.TIMEOUT) {
            ask();
        } else {
            log.debug("waiting for {}: {}; asking again at its next event", names, outcome.message());
        }
    }
}
