package dev.svd.engine;

import dev.svd.lifecycle.ServiceSnapshot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An operator action waiting for its service to reach a state. {@code outcome} returns null while
 * the action is still under way, else the result. Engine thread only.
 */
final class Waiter {
    final String service;
    final Function<ServiceSnapshot, ActionResult> outcome;
    final CompletableFuture<ActionResult> future;
    final long startNanos = System.nanoTime();

    Waiter(String service, Function<ServiceSnapshot, ActionResult> outcome, CompletableFuture<ActionResult> future) {
        this.service = service;
        this.outcome = outcome;
        this.future = future;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
