package dev.svd.schedule;

import dev.svd.config.JobSpec;
import dev.svd.os.CommandRunner;
import dev.svd.os.SpawnRequest;
import java.util.concurrent.CompletableFuture;

/**
 * A job from the config: its command, run through svd's {@link CommandRunner} (own process group,
 * reaped by svd, the group SIGKILLed at the timeout or when the run is cancelled). Immutable; any thread.
 */
final class CommandTask implements JobTask {
    /** The runner keeps the last bytes for its own result; the run's tail comes from {@link RunOutput}. */
    private static final int KEEP_BYTES = 4096;

    private final JobSpec spec;
    private final CommandRunner runner;

    CommandTask(JobSpec spec, CommandRunner runner) {
        this.spec = spec;
        this.runner = runner;
    }

    @Override
    public CompletableFuture<JobOutcome> run(JobRun run) {
        SpawnRequest req = new SpawnRequest("job-" + spec.name(), spec.command(), spec.directory(), spec.environment(),
                spec.user());
        CompletableFuture<CommandRunner.Result> process = runner.run(req, run.timeout(), KEEP_BYTES, run.output());
        CompletableFuture<JobOutcome> outcome = process.thenApply(r -> new JobOutcome(r.ok(), r.describe()));
        // Cancelling the outcome (svd stopping, or the scheduler's guard) cancels the process future,
        // which makes CommandRunner SIGKILL the group.
        outcome.whenComplete((o, e) -> {
            if (outcome.isCancelled()) {
                process.cancel(false);
            }
        });
        return outcome;
    }

    @Override
    public String toString() {
        return String.join(" ", spec.command());
    }
}
