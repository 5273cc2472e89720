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
        boolean restartAfterStop) {

    public ServiceSnapshot {
        recentStarts = List.copyOf(recentStarts);
    }

    public static ServiceSnapshot initial(String name) {
        return new ServiceSnapshot(name, ServiceState.STOPPED, 0, null, 0, 0, List.of(), Optional.empty(),
                Health.UNKNOWN, "not started", 0, false, false);
    }
}
