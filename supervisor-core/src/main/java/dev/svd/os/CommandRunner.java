package dev.svd.os;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one-off commands (exec probes, reload checks, jobs) as svd's children: own process group,
 * output kept in memory up to a limit, process group SIGKILLed when the timeout passes. Thread-safe;
 * results complete on the reaper thread, so callers must not block in their continuations.
 */
public final class CommandRunner implements AutoCloseable {
    /** How long a finished command's output may still be read after its exit. */
    private static final Duration OUTPUT_GRACE = Duration.ofMillis(500);

    private final Processes processes;
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
            return timedOut ? "timed out after " + dev.svd.lifecycle.Lifecycle.human(took) + " (" + status + ")"
                    : status.toString();
        }
    }

    public CommandRunner(Processes processes) {
        this.processes = processes;
    }

    /**
     * Runs {@code req}; {@code sink}, if not null, also receives the output as it comes (on the pump thread).
     * Keeps at most {@code maxOutput} bytes of output (the last ones).
     */
    public CompletableFuture<Result> run(SpawnRequest req, Duration timeout, int maxOutput, OutputListener sink) {
        CompletableFuture<Result> done = new CompletableFuture<>();
        Run run = new Run(done, new TailBytes(maxOutput), System.nanoTime());
        OutputListener capture = new OutputListener() {
            @Override
            public void output(dev.svd.logs.OutputStream stream, java.nio.ByteBuffer bytes) {
                if (sink != null) {
                    sink.output(stream, bytes.duplicate());
                }
                run.output.add(bytes);
            }

            @Override
            public void closed() {
                run.outputClosed();
            }
        };
        int pid;
        try {
            pid = processes.spawn(req, capture, (p, status) -> run.exited(status));
        } catch (SpawnException e) {
            return CompletableFuture.completedFuture(new Result(null, "", false, e.getMessage(), Duration.ZERO));
        }
        run.timer = timeouts.schedule(() -> {
            run.timedOut = true;
            processes.signalGroup(pid, Signal.KILL);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    /**
     * One run: done when the process was reaped and its output read to the end. The reaper can
     * report the exit before the pump thread has read the last bytes, so the result waits for both
     * (the output at most {@link #OUTPUT_GRACE} more: a process that escaped the group may hold the pipes).
     */
    private final class Run {
        final CompletableFuture<Result> done;
        final TailBytes output;
        final long start;
        volatile boolean timedOut;
        volatile ScheduledFuture<?> timer;
        private ExitStatus status;
        private boolean closed;

        Run(CompletableFuture<Result> done, TailBytes output, long start) {
            this.done = done;
            this.output = output;
            this.start = start;
        }

        synchronized void exited(ExitStatus s) {
            status = s;
            if (timer != null) {
                timer.cancel(false);
            }
            if (closed) {
                complete();
            } else {
                timeouts.schedule(this::completeAnyway, OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        synchronized void outputClosed() {
            closed = true;
            if (status != null) {
                complete();
            }
        }

        private synchronized void completeAnyway() {
            if (status != null) {
                complete();
            }
        }

        private void complete() {
            done.complete(new Result(status, output.text(), timedOut, null, Duration.ofNanos(System.nanoTime() - start)));
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
