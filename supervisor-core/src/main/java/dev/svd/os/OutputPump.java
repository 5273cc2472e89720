package dev.svd.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries every child's stdout and stderr to its {@link OutputListener}: one thread, no timeout
 * when idle (an idle svd never wakes here), up to four reads per pipe and round into one reused
 * 256 KiB native buffer. A pipe that a read finds full is enlarged (F_SETPIPE_SZ, to 1 MiB; the
 * kernel may refuse past the user's pipe quota, then it stays as it is), so a busy writer blocks
 * less and each wake-up moves more bytes. A stream ends only at end of file: every byte written
 * before the last writer closed its end is delivered, however large the pipe.
 *
 * <p>Pipes are never polled (no epoll, poll or select on them): once a pipe has been polled, the
 * kernel makes every later write to it call a wake-up, for good (fs/pipe.c, {@code poll_usage}),
 * which cost a writer of one line per write 12% of its time here. Instead a quiet pipe is
 * <em>armed</em> ({@link PipeSignals}): its next write or its end of file queues a signal naming
 * it to this thread, read through a signalfd in the pump's epoll set. An armed pipe that signals
 * is disarmed and becomes <em>active</em>: read once per round until it has been empty for a few
 * rounds in a row, then armed again (decisions/0002, "2026-11-25: pipes are never polled"). A pipe
 * whose signal brought less than a page (a line now and then) is armed again in the same round,
 * without the empty rounds (decisions/0002, "2026-12-08").
 */
final class OutputPump implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
    /** Fits a core's L2 cache, so the bytes are still there when the file write copies them out. */
    private static final int READ_BYTES = 256 << 10;
    /** Reads per ready pipe and wake-up at most, so one busy service cannot starve the others. */
    private static final int READS_PER_WAKE = 4;
    private static final int LARGE_PIPE = 1 << 20;
    /**
     * No pipe holds less than a page (pipe(7), F_SETPIPE_SZ; 4 KiB or more): a read that got less
     * did not find the pipe full; after a signal it was a line or a few, not a flood.
     */
    private static final int PIPE_MIN_BYTES = 4096;
    private static final int MAX_EVENTS = 8;
    /** epoll data of the eventfd that brings new pipes or ends the loop. */
    private static final long WAKE = -1;
    /** epoll data of the signalfd of armed pipes. */
    private static final long SIGNALS = -2;

    /** One child's two pipes and where their bytes go; the pump thread alone changes {@code open}. */
    private static final class Capture {
        final OutputListener listener;
        int open = 2;

        Capture(OutputListener listener) {
            this.listener = listener;
        }
    }

    /** One pipe's read end; the mutable fields are the pump thread's. */
    private static final class Pipe {
        final int fd;
        final OutputKind stream;
        final Capture capture;
        /** The pipe's size once asked (F_GETPIPE_SZ); 0 before. */
        int capacity;
        /** The last round whose read got bytes, and how many rounds in a row did. */
        long lastRound = -2;
        int streak;
        /** Rounds in a row whose read found the pipe empty, while active. */
        int emptyRounds;
        /** O_ASYNC is set: the next write or end of file queues a signal (else it is active). */
        boolean armed;
        /** Its signal made it active and it has not been read since. */
        boolean woken;
        boolean open = true;

        Pipe(int fd, OutputKind stream, Capture capture) {
            this.fd = fd;
            this.stream = stream;
            this.capture = capture;
        }
    }

    private final int epoll;
    private final int wake;
    private final Map<Integer, Pipe> pipes = new ConcurrentHashMap<>();
    /** Registered and not yet taken up by the pump thread. */
    private final Queue<Pipe> arriving = new ConcurrentLinkedQueue<>();
    private final Memory readBuffer = new Memory(READ_BYTES);
    private final ByteBuffer chunk = readBuffer.getByteBuffer(0, READ_BYTES);
    private final Memory events = new Memory((long) MAX_EVENTS * PumpCalls.EPOLL_EVENT_BYTES);
    private final Memory counter = new Memory(8);
    /** The 1 written to the eventfd (under {@link #wakeLock}). */
    private final Memory one = new Memory(8);
    /** The eventfd was written for pipes that arrived and the pump has not taken them yet. */
    private final java.util.concurrent.atomic.AtomicBoolean arrivalsPoked = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread thread;
    /** Opens when the pump thread has blocked its signals and made its signalfd (or failed to). */
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile String failure;
    /** Set once, under {@link #wakeLock}, so that no write to the eventfd comes after close() closed it. */
    private volatile boolean closing;
    private final Object wakeLock = new Object();
    /** Made by the pump thread when it starts. */
    private PipeSignals signals;
    /**
     * Pipes that are not armed: read once every round (pump thread only). A pipe becomes active
     * when it arrives or signals, and is armed again after {@link #QUIET_ROUNDS} rounds in a row
     * that found it empty, or {@link #QUIET_ROUNDS_AFTER_FLOOD} after a flood, so a flood that
     * pauses for a moment (its writer descheduled on a busy machine) is not armed in the middle:
     * every write to an armed pipe queues a signal until the pump disarms it.
     */
    private final List<Pipe> active = new ArrayList<>();
    /** Rounds so far: written by the pump thread only, read by tests ({@link #rounds}). */
    private volatile long round;
    private static final int FLOOD_STREAK = 4;
    private static final int QUIET_ROUNDS = 2;
    private static final int QUIET_ROUNDS_AFTER_FLOOD = 20;
    /** Bytes spliced so far; written by the pump thread only. */
    private volatile long spliced;
    /** Bytes read in the current round (pump thread only). */
    private long roundBytes;
    /** Below this many bytes in a round with active pipes, the pump waits {@link #COALESCE_NANOS} before the next round. */
    private static final long COALESCE_BELOW = 16 << 10;
    /**
     * Measured with PumpThroughput (512 MiB, one write per 100-byte line): 0 -> 520,000 reads and
     * 1.8 s of pump CPU; 50 us -> 25,000 reads, 0.6 s, and the writer done 15% sooner; 200 us ->
     * 14,000 reads, 0.47 s, but no sooner. One line now and then waits at most this long.
     */
    private static final long COALESCE_NANOS = 50_000;

    OutputPump() {
        one.setLong(0, 1);
        epoll = PumpCalls.epoll_create1(PumpCalls.EPOLL_CLOEXEC);
        if (epoll < 0) {
            throw new IllegalStateException("epoll_create1 failed: errno " + Native.getLastError());
        }
        wake = PumpCalls.eventfd(0, PumpCalls.EFD_CLOEXEC | PumpCalls.EFD_NONBLOCK);
        if (wake < 0 || !add(wake, WAKE)) {
            throw new IllegalStateException("eventfd for the output pump failed: errno " + Native.getLastError());
        }
        thread = new Thread(this, "svd-pump");
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            PumpCalls.close(wake);
            PumpCalls.close(epoll);
            throw new IllegalStateException(failure);
        }
    }

    /** Takes ownership of the two read ends: from now on their bytes go to {@code listener}. Any thread. */
    void register(int stdout, int stderr, OutputListener listener) {
        Capture capture = new Capture(listener);
        synchronized (wakeLock) {
            if (closing) {
                PumpCalls.close(stdout);
                PumpCalls.close(stderr);
                return;
            }
            for (Pipe pipe : new Pipe[] {new Pipe(stdout, OutputKind.STDOUT, capture),
                    new Pipe(stderr, OutputKind.STDERR, capture)}) {
                pipes.put(pipe.fd, pipe);
                arriving.add(pipe);
            }
            // One wake-up for a burst of registrations (200 services at start), not one each.
            if (arrivalsPoked.compareAndSet(false, true)) {
                poke();
            }
        }
    }

    /** Under {@link #wakeLock}. */
    private void poke() {
        PumpCalls.write(wake, one, 8);
    }

    private boolean add(int fd, long data) {
        Memory event = new Memory(PumpCalls.EPOLL_EVENT_BYTES);
        event.setInt(0, PumpCalls.EPOLLIN);
        event.setLong(PumpCalls.EPOLL_DATA_OFFSET, data);
        return PumpCalls.epoll_ctl(epoll, PumpCalls.EPOLL_CTL_ADD, fd, event) == 0;
    }

    @Override
    public void run() {
        try {
            signals = new PipeSignals();
            if (!add(signals.fd(), SIGNALS)) {
                signals.close();
                throw new IllegalStateException("cannot watch the output pump's signalfd: errno " + Native.getLastError());
            }
        } catch (IllegalStateException e) {
            failure = e.getMessage();
            return;
        } finally {
            ready.countDown();
        }
        try {
            pump();
        } finally {
            // Closing a pipe also disarms it; the signals still queued are taken, so none is
            // pending when this thread ends (see PipeSignals). The eventfd stays open for
            // close() to write to; close() closes it.
            for (Pipe pipe : pipes.values()) {
                PumpCalls.close(pipe.fd);
            }
            signals.take(fd -> { }, () -> { }); // none left pending on this thread (see PipeSignals)
            signals.close();
            PumpCalls.close(epoll);
        }
    }

    private void pump() {
        while (!closing) {
            // Blocks only when no pipe is active: an idle svd never wakes here.
            int n = PumpCalls.epoll_wait(epoll, events, MAX_EVENTS, active.isEmpty() ? -1 : 0);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno != PumpCalls.EINTR) {
                    log.error("epoll_wait failed with errno {}; output capture stops", errno);
                    return;
                }
                continue;
            }
            roundBytes = 0;
            round++;
            for (int i = 0; i < n; i++) {
                long data = events.getLong((long) i * PumpCalls.EPOLL_EVENT_BYTES + PumpCalls.EPOLL_DATA_OFFSET);
                if (data == WAKE) {
                    PumpCalls.read(wake, counter, 8);
                    arrivalsPoked.set(false); // before taking them: a pipe that arrives after this pokes again
                    takeArrivals();
                } else if (data == SIGNALS) {
                    takeSignals();
                }
            }
            readActive();
            if (!active.isEmpty() && roundBytes < COALESCE_BELOW) {
                // Small reads, or none: a writer of many small lines, or a pipe about to be armed.
                // Reading each line as it comes costs a read per line; letting lines gather for a
                // moment moves them in one read instead.
                LockSupport.parkNanos(COALESCE_NANOS);
            }
        }
    }

    /**
     * New pipes: their signal goes to this thread, and they start armed; {@link #arm} reads once
     * after arming, so what the child wrote already makes the pipe active at once. Most services
     * are quiet at start: arming them now spares the pump reading hundreds of empty pipes for a
     * few rounds each while svd starts them (and competing with the spawns for the cores).
     */
    private void takeArrivals() {
        for (Pipe pipe; (pipe = arriving.poll()) != null; ) {
            if (!signals.own(pipe.fd)) {
                log.error("cannot watch the {} pipe (errno {}); its output is lost", pipe.stream, Native.getLastError());
                close(pipe);
                continue;
            }
            if (!arm(pipe) && pipe.open) {
                active.add(pipe); // it had bytes, or cannot be armed: read every round
            }
        }
    }

    /** Armed pipes that signalled become active; when signals were lost (a full queue), all of them. */
    private void takeSignals() {
        signals.take(fd -> {
            Pipe pipe = pipes.get(fd);
            if (pipe != null) {
                activate(pipe);
            }
        }, () -> pipes.values().forEach(this::activate));
    }

    /**
     * Disarms an armed pipe and reads it from now on every round. A signal for a pipe that is no
     * longer armed (queued before it was disarmed, or for a descriptor since reused) changes nothing.
     */
    private void activate(Pipe pipe) {
        if (pipe.armed && pipe.open) {
            PipeSignals.disarm(pipe.fd);
            pipe.armed = false;
            pipe.emptyRounds = 0;
            pipe.woken = true;
            pipe.lastRound = -2; // it was armed: its streak of rounds with bytes starts again
            active.add(pipe);
        }
    }

    /**
     * Reads each active pipe; one that stayed empty long enough is armed, one that ended is gone.
     * A pipe that its signal woke and whose read got less than a page (a line now and then: a
     * service's start-up line, a request's log line) is armed again at once: waiting for two
     * empty rounds cost it two more reads and kept the pump making rounds with 50 us pauses
     * between its lines (decisions/0002, 2026-12-08). Bytes that follow within the round are
     * found by the read after arming, later ones signal.
     */
    private void readActive() {
        for (Iterator<Pipe> it = active.iterator(); it.hasNext(); ) {
            Pipe pipe = it.next();
            boolean woken = pipe.woken;
            pipe.woken = false;
            long got = readOnce(pipe);
            boolean fewBytes = got > 0 && got < PIPE_MIN_BYTES;
            for (int r = 1; r < READS_PER_WAKE && got == READ_BYTES; r++) {
                got = readOnce(pipe); // a full buffer: the pipe may hold more
            }
            if (!pipe.open) {
                it.remove();
            } else if (woken && fewBytes) {
                if (arm(pipe) || !pipe.open) {
                    it.remove();
                }
            } else if (pipe.lastRound == round) {
                pipe.emptyRounds = 0; // bytes in this round
            } else if (++pipe.emptyRounds >= quietRounds(pipe) && (arm(pipe) || !pipe.open)) {
                it.remove();
            }
        }
    }

    private static int quietRounds(Pipe pipe) {
        return pipe.streak >= FLOOD_STREAK ? QUIET_ROUNDS_AFTER_FLOOD : QUIET_ROUNDS;
    }

    /**
     * Sets O_ASYNC, then reads once more: bytes written between the last empty read and the arming
     * queued no signal. Returns whether the pipe is armed now (false: it had bytes or ended).
     */
    private boolean arm(Pipe pipe) {
        if (!PipeSignals.arm(pipe.fd)) {
            log.warn("cannot arm the {} pipe (errno {}); it is read every round", pipe.stream, Native.getLastError());
            pipe.emptyRounds = 0;
            return false;
        }
        pipe.armed = true;
        long got = readOnce(pipe);
        if (got < 0) {
            return true;
        }
        if (pipe.open) {
            PipeSignals.disarm(pipe.fd);
            pipe.armed = false;
            pipe.emptyRounds = 0;
        }
        return false;
    }

    /**
     * One read: bytes to the listener, end of file closes the pipe, a full pipe gets larger.
     * Returns the bytes read, 0 at end of file (the pipe is then closed), -1 when it was empty.
     */
    private long readOnce(Pipe pipe) {
        if (pipe.capture.listener instanceof SplicingListener splicing) {
            long moved = spliceOnce(pipe, splicing);
            if (moved != NOT_SPLICED) {
                return moved;
            }
        }
        long got = PumpCalls.read(pipe.fd, readBuffer, READ_BYTES);
        if (got > 0) {
            roundBytes += got;
            chunk.clear().limit((int) got);
            try {
                pipe.capture.listener.output(pipe.stream, chunk);
            } catch (RuntimeException e) {
                log.error("output on fd {} could not be handled", pipe.fd, e);
            }
            afterRead(pipe, (int) got);
            return got;
        }
        if (got < 0) {
            int errno = Native.getLastError();
            if (errno == PumpCalls.EAGAIN || errno == PumpCalls.EINTR) {
                return -1;
            }
            log.warn("reading the {} pipe failed with errno {}; treating it as closed", pipe.stream, errno);
        }
        close(pipe);
        return 0;
    }

    private static final long NOT_SPLICED = Long.MIN_VALUE;

    /**
     * Moves the pipe's next bytes into the listener's file with splice(2), never through the JVM,
     * when the listener offers a file for them. Returns as {@link #readOnce} does, or
     * {@link #NOT_SPLICED}: no file offered, or the file refused the bytes (ENOSPC and any other
     * error of the file): then they are read and handed to output(), which counts what it cannot
     * write, so a failing file never leaves bytes in the pipe (capture never blocks the service).
     */
    private long spliceOnce(Pipe pipe, SplicingListener splicing) {
        SpliceFile target;
        try {
            target = splicing.spliceTarget(pipe.stream, READ_BYTES);
        } catch (RuntimeException e) {
            log.error("output on fd {} could not be spliced", pipe.fd, e);
            return NOT_SPLICED;
        }
        if (target == null) {
            return NOT_SPLICED;
        }
        long got = target.spliceFrom(pipe.fd, READ_BYTES);
        if (got > 0) {
            roundBytes += got;
            spliced += got;
            try {
                splicing.spliced(pipe.stream, got);
            } catch (RuntimeException e) {
                log.error("spliced output on fd {} could not be handled", pipe.fd, e);
            }
            afterRead(pipe, (int) got);
            return got;
        }
        if (got == 0) {
            close(pipe);
            return 0;
        }
        if (-got == PumpCalls.EAGAIN || -got == PumpCalls.EINTR) {
            return -1;
        }
        return NOT_SPLICED;
    }

    /** Bytes moved by splice(2), never read into the JVM, since the pump started; any thread (the pump's count, volatile). */
    long splicedBytes() {
        return spliced;
    }

    /** Rounds the pump thread has made so far (each wake-up from epoll_wait is one); any thread. */
    long rounds() {
        return round;
    }

    /** The pipe ended (or cannot be watched): closed, and its listener told once both of its pipes are. */
    private void close(Pipe pipe) {
        pipes.remove(pipe.fd);
        pipe.open = false;
        pipe.armed = false;
        PumpCalls.close(pipe.fd); // also disarms it
        Capture capture = pipe.capture;
        if (--capture.open == 0) {
            try {
                capture.listener.closed();
            } catch (RuntimeException e) {
                log.error("end of output could not be handled", e);
            }
        }
    }

    /** Counts the rounds in a row with bytes, and makes a pipe that a read found full 1 MiB large. */
    private void afterRead(Pipe pipe, int got) {
        if (pipe.lastRound != round) {
            pipe.streak = pipe.lastRound == round - 1 ? pipe.streak + 1 : 1;
            pipe.lastRound = round;
        }
        if (got < PIPE_MIN_BYTES) {
            return; // cannot have filled it: spares a service that writes a line an fcntl
        }
        if (pipe.capacity == 0) {
            pipe.capacity = PumpCalls.fcntl(pipe.fd, SpawnCalls.F_GETPIPE_SZ, 0);
        }
        if (got >= pipe.capacity && pipe.capacity > 0 && pipe.capacity < LARGE_PIPE) {
            int grown = PumpCalls.fcntl(pipe.fd, SpawnCalls.F_SETPIPE_SZ, LARGE_PIPE);
            pipe.capacity = grown > 0 ? grown : LARGE_PIPE; // refused: do not ask again
        }
    }

    /**
     * Ends the pump thread (waiting up to two seconds for it to finish its round); the pipes still
     * open are closed and their listeners not told, and pipes registered afterwards are closed at
     * once. Any thread but the pump's; a second call does nothing.
     */
    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closing) {
                return;
            }
            closing = true;
            poke();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            PumpCalls.close(wake); // nobody writes to it any more: register() checks closing under the lock
        }
    }
}
