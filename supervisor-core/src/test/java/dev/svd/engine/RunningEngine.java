package dev.svd.engine;

import dev.svd.config.DaemonSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.Kernel;
import dev.svd.os.Processes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/**
 * An engine with real processes inside the test JVM, for integration tests. Closing it SIGKILLs
 * every process group it ever spawned, also when the test failed, so nothing outlives the test.
 * One per JVM at a time: its reaper waits for every child of the JVM.
 */
final class RunningEngine implements AutoCloseable {
    final Engine engine;
    final Processes processes;
    private final java.util.concurrent.atomic.AtomicReference<SupervisorSpec> nextConfig =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final Path dir;
    private final Duration stopBudget;
    private final dev.svd.health.Prober prober;
    private final List<Integer> spawned = new ArrayList<>();

    RunningEngine(Path dir, ServiceSpec... specs) {
        this(dir, Duration.ofSeconds(9), specs);
    }

    RunningEngine(Path dir, Duration stopBudget, ServiceSpec... specs) {
        this.dir = dir;
        this.stopBudget = stopBudget;
        Map<String, ServiceSpec> map = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (ServiceSpec s : specs) {
            map.put(s.name(), s);
        }
        topo(map, order);
        SupervisorSpec config = new SupervisorSpec(dir.resolve("svd.conf"),
                new DaemonSpec(dir.resolve("svd.sock"), dir.resolve("log"), dir.resolve("state"), stopBudget), map, order);
        Engine[] self = new Engine[1];
        processes = new Processes((pid, status) -> self[0].processExited(pid, status));
        ProcessRunner os = new OsProcessRunner(processes, new dev.svd.os.ProcessLedger(dir), dir.resolve("output"));
        ProcessRunner recording = new ProcessRunner() {
            @Override
            public int spawn(ServiceSpec spec, dev.svd.os.OutputListener output) throws dev.svd.os.SpawnException {
                int pid = os.spawn(spec, output);
                synchronized (spawned) {
                    spawned.add(pid);
                }
                return pid;
            }

            @Override
            public void signalGroup(int pid, Signal signal) {
                os.signalGroup(pid, signal);
            }

            @Override
            public void signalProcess(int pid, Signal signal) {
                os.signalProcess(pid, signal);
            }

            @Override
            public java.util.concurrent.CompletableFuture<dev.svd.os.CommandRunner.Result> check(ServiceSpec spec,
                    List<String> command, Duration timeout) {
                return os.check(spec, command, timeout);
            }

            @Override
            public List<Integer> children(int pid) {
                return os.children(pid);
            }

            @Override
            public java.util.Set<Integer> holdingListeners(int pid, java.util.Collection<Integer> workers) {
                return os.holdingListeners(pid, workers);
            }

            @Override
            public void exited(int pid) {
                os.exited(pid);
            }

            @Override
            public void settle() {
                os.settle();
            }
        };
        prober = new dev.svd.health.Prober(new dev.svd.os.CommandRunner(processes));
        nextConfig.set(config);
        engine = new Engine(config, nextConfig::get, recording, OutputRegistry.NONE,
                new Lifecycle(() -> ThreadLocalRandom.current().nextDouble()), Clock.systemUTC(), prober);
        self[0] = engine;
    }

    /** What the engine reads on its next reread/update: these services instead. */
    void reconfigure(ServiceSpec... specs) {
        Map<String, ServiceSpec> map = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (ServiceSpec s : specs) {
            map.put(s.name(), s);
        }
        topo(map, order);
        nextConfig.set(new SupervisorSpec(dir.resolve("svd.conf"),
                new DaemonSpec(dir.resolve("svd.sock"), dir.resolve("log"), dir.resolve("state"), stopBudget), map, order));
    }

    private static void topo(Map<String, ServiceSpec> map, List<String> order) {
        while (order.size() < map.size()) {
            for (ServiceSpec s : map.values()) {
                if (!order.contains(s.name()) && order.containsAll(s.dependsOn())) {
                    order.add(s.name());
                }
            }
        }
    }

    RunningEngine start() {
        engine.start();
        return this;
    }

    ServiceSnapshot snapshot(String name) {
        return engine.service(name).orElseThrow();
    }

    ServiceSnapshot awaitState(String name, ServiceState state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> snapshot(name).state() == state);
        return snapshot(name);
    }

    List<Integer> spawnedPids() {
        synchronized (spawned) {
            return List.copyOf(spawned);
        }
    }

    @Override
    public void close() {
        engine.close();
        prober.close();
        for (int pid : spawnedPids()) {
            if (Kernel.groupAlive(pid)) {
                Kernel.signalGroup(pid, Signal.KILL);
            }
        }
        processes.close();
    }
}
