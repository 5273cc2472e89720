package dev.svd.schedule;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The jobs as {@code svctl jobs}, {@code run} and {@code logs} see them. Safe to call from any thread. */
public interface JobControl {
    /** Every job, in the order scheduled, as last published. */
    List<JobSnapshot> jobs();

    /**
     * Runs the job now and completes with its result; fails with {@link JobRefusedException} when
     * there is no such job or it is running.
     */
    CompletableFuture<JobRunResult> runNow(String name);
}
