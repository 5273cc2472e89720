package dev.svd.engine;

import dev.svd.config.ReloadSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.OutputKind;
import dev.svd.protocol.ErrorCode;
import dev.svd.text.Durations;
import dev.svd.timing.TimerQueue;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code svctl reload}: the check command first (no signal if it fails, so the running config keeps
 * serving), then the signal, then the confirmation that the main process replaced its workers and
 * that no old worker still accepts connections, or the failure the service reports meanwhile.
 * Engine thread only; the check runs outside and comes back through the inbox.
 */
final class Reloader {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);
    /** How often the workers of a reloading process are looked at, only while a reload waits. */
    private static final long CONFIRM_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ProcessRunner runner;
    private final OutputRegistry outputs;
    private final TimerQueue timers;
    private final Consumer<Runnable> inbox;
    private final Function<String, ServiceSnapshot> current;
    /** Reloads confirmed by notification ({@code reload.confirm = notify}) still waiting, by service. */
    private final java.util.Map<String, NotifyWait> notifyWaits = new java.util.HashMap<>();

    /** A reload waiting for RELOADING=1 and then READY=1 from {@code pid}. */
    private static final class NotifyWait {
        final int pid;
        final long t0;
        final CompletableFuture<ActionResult> done;
        boolean reloading;

        NotifyWait(int pid, long t0, CompletableFuture<ActionResult> done) {
            this.pid = pid;
            this.t0 = t0;
            this.done = done;
        }
    }

    Reloader(ProcessRunner runner, OutputRegistry outputs, TimerQueue timers, Consumer<Runnable> inbox,
             Function<String, ServiceSnapshot> current) {
        this.runner = runner;
        this.outputs = outputs;
        this.timers = timers;
        this.inbox = inbox;
        this.current = current;
    }

    void reload(ServiceSpec spec, ServiceSnapshot s, CompletableFuture<ActionResult> done) {
        String name = spec.name();
        if (s.pid() == 0 || s.state() != ServiceState.RUNNING && s.state() != ServiceState.STARTING) {
            done.complete(new ActionResult(name, ErrorCode.NOT_RUNNING, name + " is not running (" + s.state().label()
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
                done.complete(new ActionResult(name, ErrorCode.FAILED, name + ": reload refused: " + how
                        + "; nothing was sent, the running " + name + " keeps its config"
                        + (result.output().isBlank() ? "" : "\n" + result.output().strip()), now, elapsed(t0)));
            } else if (now == null || now.pid() != s.pid()) {
                done.complete(new ActionResult(name, ErrorCode.FAILED, name + ": the process changed during the reload check;"
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
        if (reload.confirm() == ReloadSpec.Confirm.NONE) {
            runner.signalProcess(pid, reload.signal());
            log.info("{}: sent SIG{} to pid {} (reload)", name, reload.signal(), pid);
            done.complete(new ActionResult(name, null, "reloaded: sent SIG" + reload.signal() + " to pid " + pid,
                    current.apply(name), elapsed(t0)));
            return;
        }
        if (reload.confirm() == ReloadSpec.Confirm.NOTIFY) {
            awaitNotification(spec, pid, t0, done);
            return;
        }
        List<AutoCloseable> watches = reload.failureMark().map(mark -> watchForFailure(name, pid, mark, before, t0,
                reload, done)).orElse(List.of());
        done.whenComplete((result, e) -> watches.forEach(Reloader::close));
        runner.signalProcess(pid, reload.signal());
        log.info("{}: sent SIG{} to pid {} (reload)", name, reload.signal(), pid);
        long deadline = System.nanoTime() + reload.timeout().toNanos();
        awaitConfirmation(name, pid, before, t0, deadline, reload, done);
    }

    /**
     * Follows the service's stderr from before the signal on: the first line that contains
     * {@code mark} fails the reload at once, with the line. nginx logs a configuration it cannot apply
     * after HUP (bind() failed on a new {@code listen}) at level emerg and keeps its old workers, which
     * no wait changes. Not stdout: an access log there may carry the mark in a request's URL. Lines
     * arrive on the pump thread; the decision is the engine's.
     */
    private List<AutoCloseable> watchForFailure(String name, int pid, String mark, Set<Integer> before, long t0,
                                                ReloadSpec reload, CompletableFuture<ActionResult> done) {
        AtomicBoolean seen = new AtomicBoolean();
        Consumer<String> sink = line -> {
            if (line.contains(mark) && seen.compareAndSet(false, true)) {
                inbox.accept(() -> failedWith(name, pid, line.strip(), before, t0, reload, done));
            }
        };
        return List.of(outputs.follow(name, OutputKind.STDERR, sink));
    }

    private void failedWith(String name, int pid, String line, Set<Integer> before, long t0, ReloadSpec reload,
                            CompletableFuture<ActionResult> done) {
        if (done.isDone()) {
            return;
        }
        long fresh = runner.children(pid).stream().filter(c -> !before.contains(c)).count();
        log.warn("{}: reload failed: after SIG{} pid {} wrote: {}", name, reload.signal(), pid, line);
        done.complete(new ActionResult(name, ErrorCode.FAILED, name + ": reload failed: after SIG" + reload.signal() + " pid "
                + pid + " wrote:\n" + line + "\n" + (fresh == 0
                ? "its old workers keep serving the configuration they had (" + before.size() + " workers, no new one)"
                : fresh + " new workers started nevertheless; 'svctl logs " + name + " --stderr' shows the rest"),
                current.apply(name), elapsed(t0)));
    }

    /**
     * Confirmed once as many new workers run as there were before (at least one) and no old worker
     * holds a listening socket any more: from then on every new connection is accepted by a new
     * worker. An old worker may still finish the connections it has (nginx's old workers close their
     * listening sockets first on QUIT; gunicorn's sync workers keep theirs until they exit).
     */
    private void awaitConfirmation(String name, int pid, Set<Integer> before, long t0, long deadline,
                                   ReloadSpec reload, CompletableFuture<ActionResult> done) {
        if (done.isDone()) {
            return; // the failure mark ended it
        }
        ServiceSnapshot now = current.apply(name);
        if (now == null || now.pid() != pid) {
            done.complete(new ActionResult(name, ErrorCode.FAILED, name + ": pid " + pid + " ended during the reload", now,
                    elapsed(t0)));
            return;
        }
        List<Integer> children = runner.children(pid);
        long fresh = children.stream().filter(c -> !before.contains(c)).count();
        boolean replaced = fresh >= Math.max(1, before.size());
        List<Integer> old = children.stream().filter(before::contains).toList();
        Set<Integer> holding = replaced ? runner.holdingListeners(pid, old) : Set.of();
        if (replaced && holding.isEmpty()) {
            String took = Durations.human(elapsed(t0));
            int finishing = old.size();
            log.info("{}: reload confirmed in {}: {} new workers replace {}, no old worker accepts connections"
                    + " ({} still finishing)", name, took, fresh, before.size(), finishing);
            done.complete(new ActionResult(name, null, "reloaded: " + fresh + " new workers replace " + before.size()
                    + " (SIG" + reload.signal() + "); every new connection reaches a new worker"
                    + (finishing == 0 ? "" : " (" + finishing + " old still finishing theirs)"), now, elapsed(t0)));
        } else if (System.nanoTime() - deadline >= 0) {
            String within = Durations.human(reload.timeout());
            if (!replaced) {
                log.warn("{}: reload failed: no new workers within {} (old {}, new {})", name, within, before.size(),
                        fresh);
                done.complete(new ActionResult(name, ErrorCode.FAILED, name + ": sent SIG" + reload.signal() + " to pid " + pid
                        + ", but its workers were not replaced within " + within + " (old " + before.size() + ", new "
                        + fresh + "): it did not take the new configuration; its own log says why ('svctl logs "
                        + name + " --stderr')", now, elapsed(t0)));
            } else {
                done.complete(new ActionResult(name, ErrorCode.TIMEOUT, name + ": " + fresh + " new workers run, but old"
                        + " worker" + (holding.size() == 1 ? " " : "s ") + sorted(holding) + " still hold"
                        + (holding.size() == 1 ? "s" : "") + " a listening socket after " + within
                        + ", so a new connection may still reach the old configuration until "
                        + (holding.size() == 1 ? "it exits" : "they exit") + " (reload.timeout = " + within + ")",
                        now, elapsed(t0)));
            }
        } else {
            timers.schedule(CONFIRM_POLL_NANOS, () -> awaitConfirmation(name, pid, before, t0, deadline, reload, done));
        }
    }

    /**
     * {@code reload.confirm = notify}: sends the signal and waits for the service's own word,
     * {@code RELOADING=1} and then {@code READY=1} (sd_notify(3); docs/notify.md), at most
     * {@code reload.timeout}.
     */
    private void awaitNotification(ServiceSpec spec, int pid, long t0, CompletableFuture<ActionResult> done) {
        String name = spec.name();
        ReloadSpec reload = spec.reload();
        NotifyWait wait = new NotifyWait(pid, t0, done);
        NotifyWait earlier = notifyWaits.put(name, wait);
        if (earlier != null) {
            earlier.done.complete(new ActionResult(name, ErrorCode.FAILED, name + ": another reload began before this one"
                    + " was confirmed", current.apply(name), elapsed(earlier.t0)));
        }
        runner.signalProcess(pid, reload.signal());
        log.info("{}: sent SIG{} to pid {} (reload; waiting for RELOADING=1, then READY=1)", name, reload.signal(), pid);
        timers.schedule(reload.timeout().toNanos(), () -> {
            if (notifyWaits.get(name) != wait || done.isDone()) {
                return;
            }
            notifyWaits.remove(name);
            String within = Durations.human(reload.timeout());
            String missing = wait.reloading ? "READY=1 after its RELOADING=1" : "RELOADING=1";
            log.warn("{}: reload not confirmed: no {} within {} of SIG{}", name, missing, within, reload.signal());
            done.complete(new ActionResult(name, ErrorCode.TIMEOUT, name + ": sent SIG" + reload.signal() + " to pid " + pid
                    + ", but it sent no " + missing + " within " + within + " (reload.confirm = notify,"
                    + " reload.timeout = " + within + "); its own log may say why ('svctl logs " + name + " --stderr')",
                    current.apply(name), elapsed(t0)));
        });
    }

    /** RELOADING=1 ({@code ready} false) or READY=1 ({@code ready} true) from {@code pid} of {@code name}. */
    void notified(String name, int pid, boolean ready) {
        NotifyWait wait = notifyWaits.get(name);
        if (wait == null || wait.pid != pid || wait.done.isDone()) {
            return;
        }
        if (!ready) {
            wait.reloading = true;
            return;
        }
        if (!wait.reloading) {
            return; // a READY=1 before RELOADING=1 is not this reload's end
        }
        notifyWaits.remove(name);
        String took = Durations.human(elapsed(wait.t0));
        log.info("{}: reload confirmed in {}: pid {} sent RELOADING=1 and READY=1", name, took, pid);
        wait.done.complete(new ActionResult(name, null, "reloaded: pid " + pid + " sent RELOADING=1, then READY=1",
                current.apply(name), elapsed(wait.t0)));
    }

    private static String sorted(Set<Integer> pids) {
        return pids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static void close(AutoCloseable watch) {
        try {
            watch.close();
        } catch (Exception e) {
            log.warn("closing a reload's output watch failed: {}", e.toString());
        }
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

}
