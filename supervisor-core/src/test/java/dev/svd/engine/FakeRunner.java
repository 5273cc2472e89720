package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.os.CommandRunner;
import dev.svd.os.OutputListener;
import dev.svd.os.SpawnException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runner without processes, for engine unit tests: a spawn hands out a made-up pid, or fails for the
 * services in {@link #failing}; a group signal ends the "process" at once (through the engine's inbox, as the
 * reaper would), unless its service is in {@link #ignoringStop}; {@link #end} ends one as if it exited.
 * Records every spawn ({@link #spawns}, the specs in order) and group signal ({@link #signals}, "name SIG").
 */
final class FakeRunner implements ProcessRunner {
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final Set<String> ignoringStop = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Integer, String> owners = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(4000);
    volatile Engine engine;
    final List<ServiceSpec> spawns = new CopyOnWriteArrayList<>();
    final List<String> signals = new CopyOnWriteArrayList<>();

    @Override
    public int spawn(ServiceSpec spec, OutputListener output) throws SpawnException {
        if (failing.contains(spec.name())) {
            throw new SpawnException("/nonexistent: No such file or directory");
        }
        int pid = nextPid.getAndIncrement();
        spawns.add(spec);
        owners.put(pid, spec.name());
        return pid;
    }

    @Override
    public void adopt(ServiceSpec spec, int pid, long startTime, OutputListener output) {
        owners.put(pid, spec.name());
    }

    @Override
    public void signalGroup(int pid, Signal signal) {
        String owner = owners.get(pid);
        if (owner != null) {
            signals.add(owner + " " + signal);
        }
        if (owner != null && (signal == Signal.KILL || !ignoringStop.contains(owner))) {
            end(pid, ExitStatus.killed(signal.number(), Instant.now()));
        }
    }

    /** The process {@code pid} ended with {@code status}; the engine hears of it as from the reaper. */
    void end(int pid, ExitStatus status) {
        if (owners.remove(pid) != null) {
            engine.processExited(pid, status);
        }
    }

    @Override
    public void signalProcess(int pid, Signal signal) {
    }

    @Override
    public CompletableFuture<CommandRunner.Result> check(ServiceSpec spec, List<String> command, Duration timeout) {
        return new CompletableFuture<>();
    }

    @Override
    public List<Integer> children(int pid) {
        return List.of();
    }
}
