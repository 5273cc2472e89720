package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.SocketSpec;
import dev.svd.os.HeldSockets;
import java.util.Map;
import dev.svd.config.Signal;
import dev.svd.os.CommandRunner;
import dev.svd.os.OutputListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import dev.svd.os.SpawnException;

/**
 * What the engine needs from the operating system. The daemon passes {@link OsProcessRunner};
 * engine tests pass a fake. Called only on the engine thread.
 */
public interface ProcessRunner {
    /** Spawns the service's main process in its own process group; returns its pid. */
    int spawn(ServiceSpec spec, OutputListener output) throws SpawnException;

    /**
     * Takes over {@code pid}, which a killed svd left running for this service and which started
     * at {@code startTime} (clock ticks since boot): its output and its end come to svd again.
     */
    default void adopt(ServiceSpec spec, int pid, long startTime, OutputListener output) throws SpawnException {
        throw new SpawnException("this runner cannot adopt processes");
    }

    /** Sends {@code signal} to the group led by {@code pid}. */
    void signalGroup(int pid, Signal signal);

    /** Sends {@code signal} to {@code pid} alone. */
    void signalProcess(int pid, Signal signal);

    /** Runs {@code command} as the service would run (directory, environment, user), for a reload check. */
    CompletableFuture<CommandRunner.Result> check(ServiceSpec spec, List<String> command, Duration timeout);

    /** The direct children of {@code pid} (a master's workers). */
    List<Integer> children(int pid);

    /**
     * Which of {@code workers} (children of {@code pid}) still hold a listening socket, so may still
     * accept a new connection. A runner that cannot tell says none.
     */
    default Set<Integer> holdingListeners(int pid, Collection<Integer> workers) {
        return Set.of();
    }

    /**
     * Binds the listening sockets {@code spec} declares that svd does not hold yet (docs/sockets.md),
     * all or none; engine thread, before the spawn that passes them.
     *
     * @throws SpawnException "cannot listen on ADDRESS: reason"
     */
    default void holdSockets(ServiceSpec spec) throws SpawnException {
        if (!spec.sockets().isEmpty()) {
            throw new SpawnException("this runner cannot hold sockets");
        }
    }

    /** Closes the sockets of {@code service} that {@code sockets} no longer declares (all for an empty list). */
    default void retainSockets(String service, List<SocketSpec> sockets) {
    }

    /** The sockets each service holds now; any thread. */
    default Map<String, List<HeldSockets.Held>> heldSockets() {
        return Map.of();
    }

    /** svd is exiting: closes every held socket (and removes Unix socket files). */
    default void closeSockets() {
    }

    /** The engine finished a batch of work: write down what the batch changed. */
    default void settle() {
    }

    /**
     * Like {@link #settle()}; {@code moreWork}: more work is already waiting, after which the engine
     * settles again, so what only records ends of processes may wait for that (new processes never wait).
     */
    default void settle(boolean moreWork) {
        settle();
    }

    /** The main process {@code pid} has exited and its group is empty. */
    default void exited(int pid) {
    }
}
