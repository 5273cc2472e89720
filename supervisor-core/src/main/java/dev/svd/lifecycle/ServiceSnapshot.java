package dev.svd.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Immutable runtime view of one service. The engine thread makes a new one on every change and
 * publishes it; any thread may read a published snapshot.
 *
 * @param pid          main process id, 0 when there is none
 * @param startedAt    when the current process was spawned (null when there is none)
 * @param restarts     automatic restarts since svd started the service (operator starts excluded)
 * @param crashes      consecutive exits since the process last stayed up for stable-after; drives backoff
 * @param recentStarts spawn times within the start-limit interval, oldest first
 * @param lastExit     how the previous process ended, if any
 * @param reason       why the service is in its state, in operator words ("exited 1; restarting in 200ms")
 * @param generation   bumped on every spawn and stop, so timers armed for an older process are ignored
 * @param killed       SIGKILL had to be sent during the current stop
 * @param restartAfterStop start again once the current stop completes (svctl restart)
 * @param ready        the current process passed its readiness probe (always true without one)
 * @param probe        the last probe result in operator words ("200 in 3ms", "connection refused"), or ""
 * @param stopCause    why svd itself is stopping the process: a failed health check (restart like a
 *                     crash) or a readiness timeout (then failed); empty for operator stops
 * @param failure      the kind of failure {@code reason} tells of, set by the lifecycle with it; empty
 *                     when the reason tells of none (docs/lifecycle.md, "Failure kinds")
 * @param notified     what the current process said over the notify socket (docs/notify.md)
 */
public record ServiceSnapshot(
        String name,
        ServiceState state,
        int pid,
        Instant startedAt,
        int restarts,
        int crashes,
        List<Instant> recentStarts,
        Optional<ExitStatus> lastExit,
        Health health,
        String reason,
        long generation,
        boolean killed,
        boolean restartAfterStop,
        boolean ready,
        String probe,
        Optional<StopCause> stopCause,
        Optional<FailureKind> failure,
        NotifyState notified) {

    public ServiceSnapshot {
        recentStarts = List.copyOf(recentStarts);
        notified = notified == null ? NotifyState.NONE : notified;
    }

    /** A snapshot of a process that notified nothing. */
    public ServiceSnapshot(String name, ServiceState state, int pid, Instant startedAt, int restarts, int crashes,
                           List<Instant> recentStarts, Optional<ExitStatus> lastExit, Health health, String reason,
                           long generation, boolean killed, boolean restartAfterStop, boolean ready, String probe,
                           Optional<StopCause> stopCause, Optional<FailureKind> failure) {
        this(name, state, pid, startedAt, restarts, crashes, recentStarts, lastExit, health, reason, generation, killed,
                restartAfterStop, ready, probe, stopCause, failure, NotifyState.NONE);
    }

    public static ServiceSnapshot initial(String name) {
        return new ServiceSnapshot(name, ServiceState.STOPPED, 0, null, 0, 0, List.of(), Optional.empty(),
                Health.UNKNOWN, "not started", 0, false, false, false, "", Optional.empty(), Optional.empty());
    }

    /** Why svd stops a process on its own; decides what happens once it has exited. */
    public record StopCause(boolean failService, String reason) {
        /** Restart through backoff and the start limit, like a crash (liveness). */
        public static StopCause restart(String reason) {
            return new StopCause(false, reason);
        }

        /** End in {@code failed} (readiness timeout). */
        public static StopCause fail(String reason) {
            return new StopCause(true, reason);
        }
    }

    /** The same snapshot with new probe results; health is not state, so the engine may set it. */
    public ServiceSnapshot withProbe(Health newHealth, String newProbe) {
        return new ServiceSnapshot(name, state, pid, startedAt, restarts, crashes, recentStarts, lastExit, newHealth,
                reason, generation, killed, restartAfterStop, ready, newProbe, stopCause, failure, notified);
    }
}
