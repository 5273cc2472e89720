package dev.svd.schedule;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.quartz.spi.ThreadPool;

/**
 * Quartz's worker "pool": one thread, started when a trigger fires and ended 10 s after the last
 * one. Quartz's {@code SimpleThreadPool} keeps its workers and each wakes every 500 ms while idle
 * (docs/decisions/0004 §3: each idle worker wakes twice a second); svd's fired triggers only start
 * a run and return, so a thread on demand costs nothing between runs. Public with a no-argument
 * constructor because Quartz instantiates it by name ({@code org.quartz.threadPool.class}).
 * Thread-safe.
 */
public final class OnDemandThreadPool implements ThreadPool {
    private volatile ThreadPoolExecutor executor;

    public OnDemandThreadPool() {
    }

    @Override
    public void initialize() {
        executor = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "svd-quartz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the fired trigger's work; it never blocks, so there is always room. */
    @Override
    public boolean runInThread(Runnable runnable) {
        executor.execute(runnable);
        return true;
    }

    @Override
    public int blockForAvailableThreads() {
        return 1;
    }

    @Override
    public void shutdown(boolean waitForJobsToComplete) {
        executor.shutdown();
        if (waitForJobsToComplete) {
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public int getPoolSize() {
        return 1;
    }

    @Override
    public void setInstanceId(String schedInstId) {
    }

    @Override
    public void setInstanceName(String schedName) {
    }
}
