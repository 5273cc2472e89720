package dev.svd.engine;

import dev.svd.config.EnvironmentFiles;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.health.ProbeContext;
import dev.svd.health.ProbeCounter;
import dev.svd.health.ProbeHandle;
import dev.svd.health.ProbeKind;
import dev.svd.health.ProbeResult;
import dev.svd.health.Prober;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes of each service's current process: started when it is spawned, stopped when it ends
 * or once readiness passed, and the per-process counters that turn results into health. Engine
 * thread only; results come back through the engine's inbox.
 */
final class Probes {
    private static final Logger log = LoggerFactory.getLogger(Probes.class);

    /** What the engine is told of each result, on its own thread. */
    interface Results {
        void result(String service, int pid, ProbeKind kind, ProbeResult result);
    }

    private record Watch(int pid, ProbeHandle handle, ProbeCounter counter) {}

    private final Prober prober;
    private final Results results;
    private final Map<String, Watch> ready = new HashMap<>();
    private final Map<String, Watch> health = new HashMap<>();
    /** When each probed process started: its liveness start period runs from there, also after an update. */
    private final Map<String, Instant> startedAt = new HashMap<>();

    /** @param prober null when svd runs without probes (tests) */
    Probes(Prober prober, Results results) {
        this.prober = prober;
        this.results = results;
    }

    /**
     * A new process of {@code spec} was spawned (or adopted) and started at {@code startedAt}: probe
     * it. Its liveness start period runs from {@code startedAt}.
     */
    void started(ServiceSpec spec, int pid, Instant startedAt) {
        stopped(spec.name());
        if (prober == null) {
            return;
        }
        this.startedAt.put(spec.name(), startedAt);
        ProbeContext ctx = new ProbeContext(spec.directory(), environment(spec), spec.user());
        spec.ready().filter(p -> !spec.readyByNotify()) // READY=1 is awaited, not polled (NotifyRouting)
                .ifPresent(p -> ready.put(spec.name(), readyWatch(spec.name(), pid, p, ctx)));
        spec.health().ifPresent(p -> health.put(spec.name(), healthWatch(spec.name(), pid, p, ctx, startedAt)));
    }

    /**
     * The environment the process was just started with: its environment-files read again (they were
     * read a moment ago by the spawn). Should one have become unreadable since, its exec probes run
     * with the {@code environment} block alone, and say so in svd's log.
     */
    private static Map<String, String> environment(ServiceSpec spec) {
        try {
            return EnvironmentFiles.environment(spec);
        } catch (EnvironmentFiles.EnvironmentFileException e) {
            log.warn("{}: exec probes run without its environment-file: {}",
                    spec.name(), e.getMessage());
            return spec.environment();
        }
    }

    private Watch readyWatch(String service, int pid, ProbeSpec spec, ProbeContext ctx) {
        return watch(service, pid, ProbeKind.READY, spec, ctx, new ProbeCounter(spec.successThreshold(), spec.failureThreshold()));
    }

    private Watch healthWatch(String service, int pid, ProbeSpec spec, ProbeContext ctx, Instant startedAt) {
        return watch(service, pid, ProbeKind.HEALTH, spec, ctx,
                new ProbeCounter(spec.successThreshold(), spec.failureThreshold(), startedAt.plus(spec.startPeriod())));
    }

    private Watch watch(String service, int pid, ProbeKind kind, ProbeSpec spec, ProbeContext ctx, ProbeCounter counter) {
        ProbeHandle h = prober.watch(service, kind, spec, ctx, r -> results.result(service, pid, kind, r));
        return new Watch(pid, h, counter);
    }

    /** Readiness passed: the ready probe has done its job. */
    void readyDone(String service) {
        Watch w = ready.remove(service);
        if (w != null) {
            w.handle().cancel();
        }
    }

    /** The process ended or is being stopped: no more probes. */
    void stopped(String service) {
        readyDone(service);
        startedAt.remove(service);
        Watch w = health.remove(service);
        if (w != null) {
            w.handle().cancel();
        }
    }

    /** The counter of the current process's probe of this kind, if the result is for it. */
    Optional<ProbeCounter> counter(String service, int pid, ProbeKind kind) {
        Watch w = (kind == ProbeKind.READY ? ready : health).get(service);
        return w != null && w.pid() == pid ? Optional.of(w.counter()) : Optional.empty();
    }

    boolean hasHealthProbe(String service) {
        return health.containsKey(service);
    }

    /**
     * A config update changed {@code spec}'s probes while process {@code pid} runs: the health probe
     * is watched afresh with the new spec, and so is the ready probe if readiness has not passed yet
     * (once it passed, the new ready probe is used at the next start). Returns false when the
     * process waits for readiness and the new spec has no ready probe any more.
     */
    boolean respecced(ServiceSpec spec, int pid, boolean readyChanged, boolean healthChanged) {
        String name = spec.name();
        if (prober == null) {
            return true;
        }
        ProbeContext ctx = new ProbeContext(spec.directory(), environment(spec), spec.user());
        if (healthChanged) {
            Watch old = health.remove(name);
            if (old != null) {
                old.handle().cancel();
            }
            Instant started = startedAt.getOrDefault(name, Instant.now());
            spec.health().ifPresent(p -> health.put(name, healthWatch(name, pid, p, ctx, started)));
        }
        if (readyChanged && ready.containsKey(name)) {
            readyDone(name);
            if (spec.ready().isEmpty()) {
                return false;
            }
            ready.put(name, readyWatch(name, pid, spec.ready().get(), ctx));
        }
        return true;
    }
}
