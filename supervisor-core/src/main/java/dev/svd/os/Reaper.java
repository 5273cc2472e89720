package dev.svd.os;

import com.sun.jna.Native;
import dev.svd.lifecycle.ExitStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread in svd that waits for children: a blocking waitid(P_ALL, WEXITED) loop, so a
 * death is seen within microseconds even while workers still hold the pipes, with the exact status
 * (exit code vs signal), and adopted orphans are reaped too. Nothing else in the JVM may wait for
 * children (no ProcessBuilder in the daemon).
 * waitid(P_ALL) serves the whole process, so there is one reaper per JVM, started on first use;
 * whoever owns the children attaches as its sink.
 */
final class Reaper implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Reaper.class);

    /** Told about every reaped pid; runs on the reaper thread. */
    interface Reaped {
        void reaped(int pid, ExitStatus status);

        /** Before the reaps of one batch are told: every child that had ended by now is reaped. */
        default void batchReaped() {}
    }

    /** The most children reaped before they are told about (a batch). */
    private static final int BATCH = 256;

    private static Reaper instance;

    private volatile Reaped sink = (pid, status) -> { };
    private final Object childrenChanged = new Object();
    private long spawns;

    private Reaper() {}

    /** The JVM's reaper, started on first call, now reporting to {@code sink}. */
    static synchronized Reaper attach(Reaped sink) {
        if (instance == null) {
            instance = new Reaper();
            Thread t = new Thread(instance, "svd-reaper");
            t.setDaemon(true);
            t.start();
        }
        instance.sink = sink;
        return instance;
    }

    /** Stops reporting to {@code sink}; later reaps are dropped until someone attaches again. */
    void detach(Reaped old) {
        synchronized (Reaper.class) {
            if (sink == old) {
                sink = (pid, status) -> { };
            }
        }
    }

    /** Wakes the reaper when it sleeps because svd had no children. */
    void childSpawned() {
        synchronized (childrenChanged) {
            spawns++;
            childrenChanged.notifyAll();
        }
    }

    /**
     * Waits for one child to end, then reaps the others that have ended too (WNOHANG) before it
     * tells the sink about any: a batch. Telling {@link Reaped#batchReaped} first lets the sink look
     * through /proc once for the whole batch (the orphans of every reaped process are re-parented
     * to svd before it could be reaped), instead of once per process: at 2,000 services, a look per
     * exit made a stop of all quadratic (docs/benchmarks.md, "Scale").
     */
    @Override
    public void run() {
        byte[] siginfo = new byte[128];
        int[] pids = new int[BATCH];
        ExitStatus[] exits = new ExitStatus[BATCH];
        while (!Thread.currentThread().isInterrupted()) {
            long seen;
            synchronized (childrenChanged) {
                seen = spawns;
            }
            int n = 0;
            try {
                // ReapCalls, not LibC's proxy: no exception for the ECHILD that ends every batch
                java.util.Arrays.fill(siginfo, (byte) 0);
                int errno = ReapCalls.waitid(LibC.P_ALL, 0, siginfo, LibC.WEXITED) == 0 ? 0 : Native.getLastError();
                if (errno == 0) {
                    n = take(siginfo, pids, exits, 0);
                    while (n < BATCH) {
                        java.util.Arrays.fill(siginfo, (byte) 0);
                        if (ReapCalls.waitid(LibC.P_ALL, 0, siginfo, LibC.WEXITED | LibC.WNOHANG) != 0
                                || ByteBuffer.wrap(siginfo).order(ByteOrder.nativeOrder()).getInt(16) == 0) {
                            break; // none other has ended (0 and no pid), or none is left (ECHILD)
                        }
                        n = take(siginfo, pids, exits, n);
                    }
                }
                tell(pids, exits, n);
                if (errno == LibC.ECHILD) {
                    awaitChild(seen);
                } else if (errno != 0 && errno != LibC.EINTR) {
                    log.error("waitid failed with errno {}; reaping stops", errno);
                    return;
                }
            } catch (RuntimeException e) {
                log.error("reaper: unexpected error", e);
            }
        }
    }

    /** The reaped child in {@code siginfo} as entry {@code n} of the batch; returns the batch's new size. */
    private static int take(byte[] siginfo, int[] pids, ExitStatus[] exits, int n) {
        ByteBuffer b = ByteBuffer.wrap(siginfo).order(ByteOrder.nativeOrder());
        int code = b.getInt(8);
        int pid = b.getInt(16);
        int status = b.getInt(24);
        Instant at = Instant.now();
        log.debug("reaped pid {} code {} status {}", pid, code, status);
        pids[n] = pid;
        exits[n] = code == LibC.CLD_EXITED ? ExitStatus.exited(status, at) : ExitStatus.killed(status, at);
        return n + 1;
    }

    private void tell(int[] pids, ExitStatus[] exits, int n) {
        if (n == 0) {
            return;
        }
        Reaped to = sink;
        to.batchReaped();
        for (int i = 0; i < n; i++) {
            try {
                to.reaped(pids[i], exits[i]);
            } catch (RuntimeException e) {
                log.error("reaper: unexpected error", e);
            }
            exits[i] = null;
        }
    }

    private void awaitChild(long seen) {
        synchronized (childrenChanged) {
            while (spawns == seen) {
                try {
                    childrenChanged.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
