package dev.svd.os;

import com.sun.jna.LastErrorException;
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
    }

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

    @Override
    public void run() {
        byte[] siginfo = new byte[128];
        while (!Thread.currentThread().isInterrupted()) {
            long seen;
            synchronized (childrenChanged) {
                seen = spawns;
            }
            try {
                java.util.Arrays.fill(siginfo, (byte) 0);
                LibC.C.waitid(LibC.P_ALL, 0, siginfo, LibC.WEXITED);
                ByteBuffer b = ByteBuffer.wrap(siginfo).order(ByteOrder.nativeOrder());
                int code = b.getInt(8);
                int pid = b.getInt(16);
                int status = b.getInt(24);
                Instant at = Instant.now();
                log.debug("reaped pid {} code {} status {}", pid, code, status);
                ExitStatus exit = code == LibC.CLD_EXITED ? ExitStatus.exited(status, at) : ExitStatus.killed(status, at);
                sink.reaped(pid, exit);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ECHILD) {
                    awaitChild(seen);
                } else if (e.getErrorCode() != LibC.EINTR) {
                    log.error("waitid failed with errno {}; reaping stops", e.getErrorCode(), e);
                    return;
                }
            } catch (RuntimeException e) {
                log.error("reaper: unexpected error", e);
            }
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
