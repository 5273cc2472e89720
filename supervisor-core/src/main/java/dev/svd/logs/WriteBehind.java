package dev.svd.logs;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes a chunk's records into its file while the pump reads and builds the next
 * chunk (docs/logging.md, "Threads and cost"): one, shared by every file, made at the first large
 * chunk of records and gone after {@link #IDLE_SECONDS} without one, so an idle svd has none. Jobs
 * run one at a time in the order they were handed over; {@link RotatingFile} hands over at most one
 * per thread at a time and waits for it before it touches the file otherwise.
 */
final class WriteBehind {
    static final int IDLE_SECONDS = 2;

    private static final ThreadPoolExecutor WRITER = new ThreadPoolExecutor(0, 1, IDLE_SECONDS, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), job -> {
                Thread thread = new Thread(job, "svd-log-writer");
                thread.setDaemon(true);
                return thread;
            });

    private WriteBehind() {
    }

    /** Runs {@code job} on the writer thread, or here when that cannot be had. */
    static void execute(Runnable job) {
        try {
            WRITER.execute(job);
        } catch (RejectedExecutionException e) {
            job.run();
        }
    }
}
