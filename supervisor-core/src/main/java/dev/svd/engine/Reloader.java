package dev.svd.engine;

import dev.svd.config.ReloadSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code svctl reload}: the check command first (no signal if it fails, so the running config keeps
 * serving), then the signal, then the confirmation that the main process replaced its workers.
 * Engine thread only; the check runs outside and comes back through the inbox.
 */
final class Reloader {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);
    /** How often the workers of a reloading process are looked at, only while a reload waits. */
    private static final long CONFIRM_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ProcessRunner runner;
    private final Timers timers;
    private final Consumer<Runnable> inbox;
    private final Function<String, ServiceSnapshot> current;

    Reloader(ProcessRunner runner, Timers timers, Consumer<Runnable> inbox, Function<String, ServiceSnapshot> current) {
        this.runner = runner;
        this.timers = timers;
        this.inbox = inbox;
        this.current = current;
    }

    void reload(ServiceSpec spec, ServiceSnapshot s, CompletableFuture<ActionResult> done) {
        String name = spec.name();
        if (s.pid() == 0 || s.state() != ServiceState.RUNNING && s.state() != ServiceState.STARTING) {
            done.complete(new ActionResult(name, "NOT_RUNNING", name + " is not running (" + s.state().label()
                    + "): nothing to reload", s, Duration.ZERO));
            return;
        }
        long t0 = System.nanoTime();
        ReloadSpec reload = spec.reload();
        if (reload.check().isEmpty()) {
            signal(spec, s.pid(), t0, done);
            return;
        }
        runner.check(spec, reload.check(), reload.timeout()).thenAccept(result -> inbox.accept(() -> {
            ServiceSnapshot now = current.apply(name);
            if (!result.ok()) {
                String how = "`" + String.join(" ", reload.check()) + "` " + result.describe();
                log.warn("{}: reload refused: {}; nothing was sent, the running process keeps its config", name, how);
                done.complete(new ActionResult(name, "FAILED", name + ": reload refused: " + how
                        + "; nothing was sent, the running " + name + " keeps its config"
                        + (result.output().isBlank() ? "" : "\n" + result.output().strip()), now, elapsed(t0)));
            } else if (now == null || now.pid() != s.pid()) {
                done.complete(new ActionResult(name, "FAILED", name + ": the process changed during the reload check;"
                        + " nothing was sent", now, elapsed(t0)));
            } else {
                signal(spec, s.pid(), t0, done);
            }
        }));
    }

    private void signal(ServiceSpec spec, int pid, long t0, CompletableFuture<ActionResult> done) {
        String name = spec.name();
        ReloadSpec reload = spec.reload();
        Set<Integer> before = new HashSet<>(runner.children(pid));
        runner.signalProcess(pid, reload.signal());
        log.info("{}: sent SIG{} to pid {} (reload)", name, reload.signal(), pid);
        if (reload.confirm() == ReloadSpec.Confirm.NONE) {
            done.complete(new ActionResult(name, null, "reloaded: sent SIG" + reload.signal() + " to pid " + pid,
                    current.apply(name), elapsed(t0)));
            return;
        }
        long deadline = System.nanoTime() + reload.timeout().toNanos();
        awaitNewWorkers(name, pid, before, t0, deadline, reload, done);
    }

    /** Confirmed once as many new workers run as there were before (at least one); the old ones may still drain. */
    private void awaitNewWorkers(String name, int pid, Set<Integer> before, long t0, long deadline, ReloadSpec reload,
                                 CompletableFuture<ActionResult> done) {
        ServiceSnapshot now = current.apply(name);
        if (now == null || now.pid() != pid) {
            done.complete(new ActionResult(name, "FAILED", name + ": pid " + pid + " ended during the reload", now,
                    elapsed(t0)));
            return;
        }
        List<Integer> children = runner.children(pid);
        long fresh = children.stream().filter(c -> !before.contains(c)).count();
        if (fresh >= Math.max(1, before.size())) {
            String took = Lifecycle.human(elapsed(t0));
            log.info("{}: reload confirmed in {}: {} new workers replace {}", name, took, fresh, before.size());
            done.complete(new ActionResult(name, null, "reloaded: " + fresh + " new workers replace " + before.size()
                    + " (SIG" + reload.signal() + ")", now, elapsed(t0)));
        } else if (System.nanoTime() - deadline >= 0) {
            done.complete(new ActionResult(name, "TIMEOUT", name + ": sent SIG" + reload.signal() + " to pid " + pid
                    + ", but its workers were not replaced within " + Lifecycle.human(reload.timeout()) + " (old "
                    + before.size() + ", new " + fresh + "); see 'svctl logs " + name + "'", now, elapsed(t0)));
        } else {
            timers.schedule(CONFIRM_POLL_NANOS, () -> awaitNewWorkers(name, pid, before, t0, deadline, reload, done));
        }
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

}
