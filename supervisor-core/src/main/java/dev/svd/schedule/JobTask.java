package dev.svd.schedule;

import java.util.concurrent.CompletableFuture;

/**
 * What a job does when it runs: a command from the config ({@link CommandTask}) or Java code, such
 * as a certificate renewal. Called on Quartz's worker thread, which it must not hold: start the work
 * and return a future. The future should end within {@link JobRun#timeout()}; svd cancels it a little
 * later otherwise, so a task that owns processes should kill them when its future is cancelled.
 * <p>
 * Called on svd's job thread, which it must not block. Spawn processes only from long-lived threads:
 * svd's children get PDEATHSIG when the thread that spawned them ends (prctl(2)), so a spawn from a
 * pool thread that retires (the common ForkJoinPool, an HttpClient's executor) kills the child with
 * it. Continue on {@link JobRun#executor()} before spawning (for example {@code thenComposeAsync(...,
 * run.executor())}).
 */
@FunctionalInterface
public interface JobTask {
    CompletableFuture<JobOutcome> run(JobRun run);
}
