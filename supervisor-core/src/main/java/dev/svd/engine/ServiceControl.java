package dev.svd.engine;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.os.HeldSockets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The services as their callers outside the engine see them (the control handlers, the certificate
 * keeper): their snapshots, their events, and actions on them. Reads return published snapshots;
 * actions are offered to the engine thread and complete when the target state is reached, the
 * timeout passes, or the action is refused. Safe to call from any thread.
 */
public interface ServiceControl {
    List<ServiceSnapshot> services();

    Optional<ServiceSnapshot> service(String name);

    /**
     * Which services svd wants up, as of the last publish (svd.http's /readyz, docs/metrics.md): every
     * configured service but those the operator stopped and has not started again; none once svd shuts down.
     */
    default WantedServices wanted() {
        return new WantedServices(services().stream().map(ServiceSnapshot::name).collect(java.util.stream.Collectors.toSet()),
                false);
    }

    CompletableFuture<ActionResult> start(String name, Duration timeout);

    CompletableFuture<ActionResult> stop(String name, Duration timeout);

    CompletableFuture<ActionResult> restart(String name, Duration timeout);

    CompletableFuture<ActionResult> reload(String name, Duration timeout);

    CompletableFuture<ActionResult> signal(String name, Signal signal);

    /** The most recent events, oldest first. */
    List<ServiceEvent> recentEvents(int limit);

    /**
     * Calls {@code sink} with each event from now on, until closed, on the engine thread: it must hand the
     * event off without blocking. Each event comes once the snapshot that shows it has been published, so
     * {@link #services()} read in {@code sink} shows the state the event announces (read later on another
     * thread, that state or a newer one).
     */
    AutoCloseable subscribe(Consumer<ServiceEvent> sink);

    /**
     * Completes once every service in {@code names} is running and ready (its readiness probe passed, if it
     * has one): {@link ReadyOutcome.Kind#READY}. Fails fast, with a typed outcome rather than an exception:
     * {@code DOWN} as soon as one of them is failed or exited, or stopped while svd does not want it up
     * (operator stop, shutdown, and before the engine has started); {@code NO_SUCH_SERVICE} for an unknown or
     * removed one; {@code TIMEOUT} after {@code timeout}. A service that is on its way up (waiting for its
     * dependencies, starting, in backoff, restarting) is waited for. Never completes exceptionally. Judged on
     * the engine thread without blocking it; the future completes there, so continue with an {@code *Async}
     * stage for anything slow.
     */
    CompletableFuture<ReadyOutcome> awaitReady(Collection<String> names, Duration timeout);

    /** svd's notify socket and what came through it so far (docs/notify.md); empty when there is none. */
    default Optional<NotifyCounts> notifyCounts() {
        return Optional.empty();
    }

    /**
     * The listening sockets svd holds for {@code name} (docs/sockets.md), in declared order, each with
     * its name and the descriptor its processes get it at (3, 4, ...).
     */
    default List<HeldSockets.Held> sockets(String name) {
        return List.of();
    }

    /**
     * Adds an event that is not a state change ({@code from} and {@code to} are null), e.g. a
     * certificate close to expiry, so that {@code svctl events} shows it. Any thread.
     */
    default void announce(String subject, String reason) {
    }
}
