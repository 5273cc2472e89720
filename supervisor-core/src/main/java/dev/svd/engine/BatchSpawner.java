package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.os.SpawnException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns the services one reconcile pass starts, together, on two threads: a spawn is mostly
 * fork/exec in the kernel (under a millisecond each), so two cores halve a start of many
 * services. Returns each outcome, a pid or the {@link SpawnException} that says why there is
 * none, in the order asked; the engine thread waits and feeds them to the lifecycle.
 */
final class BatchSpawner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchSpawner.class);

    private final ProcessRunner runner;
    private final OutputRegistry outputs;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "svd-spawn");
        t.setDaemon(true);
        return t;
    });

    BatchSpawner(ProcessRunner runner, OutputRegistry outputs) {
        this.runner = runner;
        this.outputs = outputs;
    }

    /** Binds the sockets {@code spec} declares before its spawn passes them (ProcessRunner#holdSockets); engine thread. */
    void holdSockets(ServiceSpec spec) throws SpawnException {
        runner.holdSockets(spec);
    }

    /** Closes the sockets of {@code service} that {@code sockets} no longer declares; engine thread. */
    void retainSockets(String service, List<dev.svd.config.SocketSpec> sockets) {
        runner.retainSockets(service, sockets);
    }

    /** The pid, or the SpawnException that says why there is none. Any thread. */
    SpawnOutcome spawn(ServiceSpec spec) {
        try {
            return new SpawnOutcome.Spawned(runner.spawn(spec, outputs.listenerFor(spec)));
        } catch (SpawnException e) {
            return new SpawnOutcome.Failed(e);
        } catch (RuntimeException e) {
            log.error("{}: spawn failed unexpectedly", spec.name(), e);
            return new SpawnOutcome.Failed(new SpawnException("internal error: " + e));
        }
    }

    /** Spawns every spec (one on the calling thread, more on the spawn threads); outcomes in order. */
    List<SpawnOutcome> spawnAll(List<ServiceSpec> specs) {
        if (specs.size() == 1) {
            return List.of(spawn(specs.get(0)));
        }
        List<Future<SpawnOutcome>> pending = new ArrayList<>();
        for (ServiceSpec spec : specs) {
            pending.add(threads.submit(() -> spawn(spec)));
        }
        List<SpawnOutcome> outcomes = new ArrayList<>();
        for (Future<SpawnOutcome> f : pending) {
            try {
                outcomes.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(new SpawnOutcome.Failed(new SpawnException("svd is stopping")));
            } catch (ExecutionException e) {
                outcomes.add(new SpawnOutcome.Failed(new SpawnException("internal error: " + e.getCause())));
            }
        }
        return outcomes;
    }

    /** Stops the spawn threads and waits for a spawn in flight, so that none completes after this returns. */
    void close(Duration bound) throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
