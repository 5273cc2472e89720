package dev.svd.schedule;

import java.util.concurrent.CompletableFuture;

/**
 * What a job does when it runs: a command from the config ({@link CommandTask}) or Java code, such
 * as a certificate renewal: start the work and return a future. The future should end within
 * {@link JobRun#timeout()}; svd cancels it a little later otherwise, so a task that owns processes
 * should kill them when its future is cancelled.
 * <p>
 * Called on svd's job thread ({@link JobRun#executor()}), which it must not block. Continue there
 * for anything that spawns or touches svd's state (for example {@code thenComposeAsync(...,
 * run.executor())}), rather than on a pool thread such as the common ForkJoinPool's.
 */
@FunctionalInterface
public interface JobTask {
    CompletableFuture<JobOutcome> run(JobRun run);
}
