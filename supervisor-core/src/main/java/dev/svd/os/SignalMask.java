package dev.svd.os;

import java.util.function.Supplier;

/**
 * Runs a spawn with SIGQUIT unblocked on the calling thread. Java threads block SIGQUIT, and
 * NuProcess spawns with vfork, so without this every child inherits a blocked SIGQUIT and never sees
 * nginx's graceful-stop signal (measured: java-platform-notes §1). The mask is per thread, so
 * nothing else in the JVM is affected.
 */
final class SignalMask {
    private static final int SIGQUIT = 3;

    private SignalMask() {}

    static <T> T withQuitUnblocked(Supplier<T> spawn) {
        long[] set = new long[16];
        long[] old = new long[16];
        set[0] = 1L << (SIGQUIT - 1);
        LibC.C.pthread_sigmask(LibC.SIG_UNBLOCK, set, old);
        try {
            return spawn.get();
        } finally {
            LibC.C.pthread_sigmask(LibC.SIG_SETMASK, old, null);
        }
    }
}
