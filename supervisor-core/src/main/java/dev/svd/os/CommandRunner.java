package dev.svd.os;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.text.Durations;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one-off commands (exec probes, reload checks, jobs) as svd's children: own process group,
 * output kept in memory up to a limit, process group SIGKILLed when the timeout passes. Thread-safe;
 * results complete on the reaper, pump or timeout thread, so callers must not block in their continuations.
 */
public final class CommandRunner implements AutoCloseable {
    /**
     * The reaper can see a command's exit before the pump thread has read its last output (the pipes
     * close as it exits); a result waits this long at most for both pipes to reach end of file. A
     * process that left the group and keeps the pipes open costs this wait.
     */
    private static final Duration DRAIN_BOUND = Duration.ofSeconds(1);

    private final Processes processes;
    private final ProcessLedger ledger;
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "svd-command-timeout");
        t.setDaemon(true);
        return t;
    });

    /** How a command ended: its status (null if it could not be spawned), its output, and why it failed. */
    public record Result(ExitStatus status, String output, boolean timedOut, String spawnError, Duration took) {
        public boolean ok() {
            return status != null && status.success() && !timedOut;
        }

        /** "exited 1", "timed out after 5s", or the spawn error, for messages. */
        public String describe() {
            if (spawnError != null) {
                return spawnError;
            }
            return timedOut ? "timed out after " + Durations.human(took) + " (" + status + ")"
                    : status.toString();
        }
    }

    /** For short commands (probes, checks): their timeouts end them, and nothing records them. */
    public CommandRunner(Processes processes) {
        this(processes, null);
    }

    /**
     * For long ones (jobs, certbot): each run's process group is in {@code ledger} while it runs,
     * so an svd started after this one was killed stops what is left of it before it starts anything.
     */
    public CommandRunner(Processes processes, ProcessLedger ledger) {
        this.processes = processes;
        this.ledger = ledger;
    }

    /**
     * Runs {@code req}; {@code sink}, if not null, also receives the output as it comes (on the pump thread).
     * Keeps at most {@code maxOutput} bytes of output (the last ones). Cancelling the returned future
     * SIGKILLs the process group at once.
     */
    public CompletableFuture<Result> run(SpawnRequest req, Duration timeout, int maxOutput, OutputListener sink) {
        CompletableFuture<Result> done = new CompletableFuture<>();
        TailBytes output = new TailBytes(maxOutput);
        long start = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        int pid;
        CompletableFuture<Void> drained = new CompletableFuture<>();
        OutputListener capture = new OutputListener() {
            @Override
            public void output(dev.svd.os.OutputKind stream, ByteBuffer bytes) {
                if (sink != null) {
                    sink.output(stream, bytes.duplicate());
                }
                output.add(bytes);
            }

            @Override
            public void closed() {
                if (sink != null) {
                    sink.closed();
                }
                drained.complete(null);
            }
        };
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        AtomicBoolean ended = new AtomicBoolean(); // guarded by ledger: an exit reported before the run was recorded is not recorded
        try {
            if (ledger != null) {
                ledger.reserve(req.service(), false); // no run that the ledger could not record (issue 12)
            }
        } catch (SpawnException e) {
            return CompletableFuture.completedFuture(new Result(null, "", false, e.getMessage(), Duration.ZERO));
        }
        try {
            pid = processes.spawn(req, capture, (p, status) -> {
                if (timer.get() != null) {
                    timer.get().cancel(false);
                }
                forget(p, ended);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (!drained.isDone()) {
                    try {
                        timeouts.schedule(() -> drained.complete(null), DRAIN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) { // closed: svd is stopping, do not wait
                        drained.complete(null);
                    }
                }
                drained.thenRun(() -> done.complete(new Result(status, output.text(), timedOut.get(), null, took)));
            });
        } catch (SpawnException e) {
            if (ledger != null) {
                ledger.release(req.service(), false);
            }
            return CompletableFuture.completedFuture(new Result(null, "", false, e.getMessage(), Duration.ZERO));
        }
        record(req.service(), pid, ended);
        timer.set(timeouts.schedule(() -> {
            timedOut.set(true);
            processes.signalGroup(pid, Signal.KILL);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS));
        // A caller that gives up (a job cancelled when svd stops) cancels the future: kill the group now.
        int spawned = pid;
        done.whenComplete((r, e) -> {
            if (done.isCancelled()) {
                timer.get().cancel(false);
                processes.signalGroup(spawned, Signal.KILL);
            }
        });
        return done;
    }

    private void record(String what, int pid, AtomicBoolean ended) {
        if (ledger != null) {
            synchronized (ledger) {
                if (!ended.get()) {
                    ledger.added(what, pid);
                    ledger.flush();
                } else {
                    ledger.release(what, false);
                }
            }
        }
    }

    private void forget(int pid, AtomicBoolean ended) {
        if (ledger != null) {
            synchronized (ledger) {
                ended.set(true);
                ledger.removed(pid);
                ledger.flush();
            }
        }
    }

    @Override
    public void close() {
        timeouts.shutdownNow();
    }

    /** Keeps the last {@code limit} bytes written. Called on the pump thread, read once on the reaper thread. */
    private static final class TailBytes {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;

        TailBytes(int limit) {
            this.limit = limit;
        }

        synchronized void add(ByteBuffer b) {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            bytes.write(chunk, 0, chunk.length);
            if (bytes.size() > limit) {
                byte[] all = bytes.toByteArray();
                bytes.reset();
                bytes.write(all, all.length - limit, limit);
                truncated = true;
            }
        }

        synchronized String text() {
            String s = bytes.toString(StandardCharsets.UTF_8);
            return truncated ? "[...]" + s : s;
        }
    }

}
