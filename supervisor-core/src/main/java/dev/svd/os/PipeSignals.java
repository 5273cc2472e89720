package dev.svd.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.function.IntConsumer;

/**
 * How the output pump learns that a quiet pipe has bytes without polling it (decisions/0002,
 * 2026-11-25): an armed pipe (O_ASYNC, F_SETSIG, F_SETOWN_EX to the pump thread) makes the kernel
 * queue a real-time signal naming it at its next write or end of file; the pump thread blocks that
 * signal and SIGIO (the kernel's fallback when the queue is full) and reads them through a
 * signalfd. Made and used on the pump thread only: the signal mask is that thread's.
 */
final class PipeSignals implements AutoCloseable {
    /** Signal records read at once. */
    private static final int RECORDS = 64;

    /** SIGRTMIN + 4: glibc keeps the first two real-time signals, and nothing else in svd uses them. */
    private final int signal;
    private final int fd;
    private final Memory owner = new Memory(8);
    private final Memory records = new Memory((long) RECORDS * PumpCalls.SIGINFO_BYTES);

    /**
     * Blocks the signals on the calling thread, which all armed pipes will signal; throws if it
     * cannot. Their disposition becomes "ignore" for the whole process: a signal still pending on
     * the pump thread when it ends (a pipe written just before svd's close) is delivered once the
     * JVM restores the thread's original mask, and at the default action a real-time signal ends
     * the process (seen: a test JVM ended with exit code 166 = 128 + SIGRTMIN+4). A blocked signal
     * is never ignored at sending (kernel/signal.c, sig_ignored), so the signalfd still gets every
     * one. Children do not inherit this: posix_spawn resets every signal to its default (Spawner).
     */
    PipeSignals() {
        signal = PumpCalls.__libc_current_sigrtmin() + 4;
        PumpCalls.signal(signal, PumpCalls.SIG_IGN);
        PumpCalls.signal(PumpCalls.SIGIO, PumpCalls.SIG_IGN);
        Memory mask = new Memory(PumpCalls.SIGSET_BYTES);
        PumpCalls.sigemptyset(mask);
        PumpCalls.sigaddset(mask, signal);
        PumpCalls.sigaddset(mask, PumpCalls.SIGIO);
        if (PumpCalls.pthread_sigmask(PumpCalls.SIG_BLOCK, mask, null) != 0) {
            throw new IllegalStateException("the output pump cannot block its signal");
        }
        fd = PumpCalls.signalfd(-1, mask, PumpCalls.SFD_NONBLOCK | PumpCalls.SFD_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("signalfd for the output pump failed: errno " + Native.getLastError());
        }
        owner.setInt(0, PumpCalls.F_OWNER_TID);
        owner.setInt(4, PumpCalls.gettid());
    }

    /** The signalfd, readable when a signal is pending. */
    int fd() {
        return fd;
    }

    /** Makes {@code pipe} signal this thread once armed; false (errno set) if the kernel refuses. */
    boolean own(int pipe) {
        return PumpCalls.fcntl(pipe, PumpCalls.F_SETOWN_EX, owner) == 0
                && PumpCalls.fcntl(pipe, PumpCalls.F_SETSIG, signal) == 0;
    }

    /** The next write to {@code pipe}, or its end of file, queues a signal; false (errno set) if refused. */
    static boolean arm(int pipe) {
        return PumpCalls.fcntl(pipe, PumpCalls.F_SETFL, PumpCalls.O_NONBLOCK | PumpCalls.O_ASYNC) == 0;
    }

    static void disarm(int pipe) {
        PumpCalls.fcntl(pipe, PumpCalls.F_SETFL, PumpCalls.O_NONBLOCK);
    }

    /**
     * Takes every pending signal: {@code signalled} gets the descriptor each names (possibly a pipe
     * since closed, or one signalled twice), {@code overflow} runs when the queue was full and
     * signals were lost (SIGIO).
     */
    void take(IntConsumer signalled, Runnable overflow) {
        while (true) {
            long got = PumpCalls.read(fd, records, (long) RECORDS * PumpCalls.SIGINFO_BYTES);
            if (got <= 0) {
                return; // EAGAIN: none left
            }
            for (long at = 0; at + PumpCalls.SIGINFO_BYTES <= got; at += PumpCalls.SIGINFO_BYTES) {
                if (records.getInt(at) == PumpCalls.SIGIO) {
                    overflow.run();
                } else {
                    signalled.accept(records.getInt(at + PumpCalls.SIGINFO_FD_OFFSET));
                }
            }
        }
    }

    @Override
    public void close() {
        PumpCalls.close(fd);
    }
}
