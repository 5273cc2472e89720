package dev.svd.os;

import com.sun.jna.Native;
import dev.svd.config.Signal;

/**
 * Signals and process-group queries through kill(2). Stateless; any thread may use it.
 */
public final class Kernel {
    private Kernel() {}

    /** Sends {@code signal} to every process in group {@code pgid}; false if the group is empty. */
    public static boolean signalGroup(int pgid, Signal signal) {
        return send(-pgid, signal.number());
    }

    /** Sends {@code signal} to one process; false if it does not exist. */
    public static boolean signalProcess(int pid, Signal signal) {
        return send(pid, signal.number());
    }

    /** True while any process (zombies included) is in group {@code pgid}. */
    public static boolean groupAlive(int pgid) {
        return probe(-pgid);
    }

    /** True while process {@code pid} exists (zombies included). */
    public static boolean processAlive(int pid) {
        return probe(pid);
    }

    /** svd's own pid, asked once: read after every exit of a service (its children are looked through). */
    public static int pid() {
        return Self.PID;
    }

    private static final class Self {
        static final int PID = LibC.C.getpid();
    }

    /**
     * Makes svd the reaper of its services' orphans (prctl PR_SET_CHILD_SUBREAPER), so workers
     * whose master died are reparented to svd and reaped here, not left to an init that may not reap.
     * As PID 1 this is implied.
     */
    public static void becomeSubreaper() {
        LibC.C.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }

    private static boolean send(int target, int sig) {
        if (target == 0 || target == -1 || target == 1 && sig != 0) {
            throw new IllegalArgumentException("refusing kill(" + target + ", " + sig + ")"); // never signal everyone
        }
        if (ReapCalls.kill(target, sig) == 0) {
            return true;
        }
        int errno = Native.getLastError();
        if (errno == LibC.ESRCH) {
            return false;
        }
        throw new IllegalStateException("kill(" + target + ", " + sig + ") failed: errno " + errno);
    }

    /** Through {@link ReapCalls}: asked after every exit, and ESRCH is the usual answer, not an error. */
    private static boolean probe(int target) {
        if (target == 0 || target == -1) {
            throw new IllegalArgumentException("refusing kill(" + target + ", 0)");
        }
        return ReapCalls.kill(target, 0) == 0
                || Native.getLastError() != LibC.ESRCH; // EPERM: it exists, it is just not ours to signal
    }
}
