package dev.svd.health;

import dev.svd.config.ProbeCheck;
import dev.svd.os.CommandRunner;
import dev.svd.os.SpawnRequest;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * An exec probe: the command runs as svd's child through {@link CommandRunner} (never
 * ProcessBuilder, whose reaping would race svd's reaper), which kills its group at the timeout.
 * Started and finished on the prober's thread; the command's end arrives from the reaper thread.
 */
final class ExecAttempt implements Attempt {
    /** Enough of the output for the last line in a diagnosis. */
    static final int MAX_OUTPUT = 4096;

    private final ProbeIo io;
    private final CommandRunner commands;
    private final SpawnRequest request;
    private final Duration timeout;
    private final Consumer<Verdict> done;
    private boolean finished;

    ExecAttempt(ProbeIo io, CommandRunner commands, String service, ProbeCheck.Exec check, ProbeContext context,
                Duration timeout, Consumer<Verdict> done) {
        this.io = io;
        this.commands = commands;
        this.request = new SpawnRequest(service, check.command(), context.directory(), context.environment(),
                context.user());
        this.timeout = timeout;
        this.done = done;
    }

    @Override
    public void start() {
        commands.run(request, timeout, MAX_OUTPUT, null).whenComplete((r, e) -> io.post(() -> {
            if (finished) {
                return;
            }
            finished = true;
            done.accept(e != null ? Verdict.fail(ProbeFailure.CANNOT_RUN, "cannot run", "the probe command cannot be run: " + e)
                    : Diagnosis.exec(r.ok(), r.timedOut(), r.status() == null ? "" : r.status().toString(),
                    r.spawnError(), r.output(), r.took(), timeout));
        }));
    }

    /** Only if the runner has not answered a second after its own timeout killed the command. */
    @Override
    public Verdict timedOut(Duration t) {
        finished = true;
        return Diagnosis.exec(false, true, "", null, "", t, timeout);
    }

    @Override
    public void abort() {
        finished = true;
    }

    @Override
    public Duration grace() {
        return Duration.ofSeconds(1);
    }
}
