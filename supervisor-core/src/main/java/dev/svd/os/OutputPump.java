package dev.svd.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.svd.logs.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries every child's stdout and stderr to its {@link OutputListener}: one thread, one epoll
 * set, level-triggered, no timeout (an idle svd never wakes here), up to four reads per ready
 * pipe into one reused 256 KiB native buffer. A pipe that a read finds full is enlarged
 * (F_SETPIPE_SZ, to 1 MiB; the kernel may refuse past the user's pipe quota, then it stays as it
 * is), so a busy writer blocks less and each wake-up moves more bytes. A stream ends only at end of file: every byte written
 * before the last writer closed its end is delivered, however large the pipe.
 */
final class OutputPump implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
    /** Fits a core's L2 cache, so the bytes are still there when the file write copies them out. */
    private static final int READ_BYTES = 256 << 10;
    /** Reads per ready pipe and wake-up at most, so one busy service cannot starve the others. */
    private static final int READS_PER_WAKE = 4;
    private static final int LARGE_PIPE = 1 << 20;
    private static final int MAX_EVENTS = 64;
    /** epoll data of the eventfd that ends the loop; pipe descriptors are never negative. */
    private static final long WAKE = -1;

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
        final OutputStream stream;
        final Capture capture;
        /** The pipe's size once asked (F_GETPIPE_SZ); 0 before. */
        int capacity;
        /** The last round whose read got bytes, and how many rounds in a row did. */
        long lastRound = -2;
        int streak;
        /** Out of the epoll set and read every round (see {@link OutputPump#flooding}). */
        boolean flooding;
        boolean open = true;

        Pipe(int fd, OutputStream stream, Capture capture) {
            this.fd = fd;
            this.stream = stream;
            this.capture = capture;
        }
    }

    private final int epoll;
    private final int wake;
    private final Map<Integer, Pipe> pipes = new ConcurrentHashMap<>();
    private final Memory readBuffer = new Memory(READ_BYTES);
    private final ByteBuffer chunk = readBuffer.getByteBuffer(0, READ_BYTES);
    private final Memory events = new Memory((long) MAX_EVENTS * PumpCalls.EPOLL_EVENT_BYTES);
    private final Thread thread;
    private volatile boolean closing;
    /**
     * Pipes that had bytes in {@link #FLOOD_STREAK} rounds in a row: taken out of the epoll set and
     * read once every round until a read finds them empty. A registered epoll watch costs the
     * writer on every write (a C reader of a one-line-per-write flood: blocking reads 1.7 s, epoll
     * 2.1-2.3 s, reads without epoll between short pauses 1.9 s); a pipe read anyway needs no
     * watch. Pump thread only.
     */
    private final java.util.List<Pipe> flooding = new java.util.ArrayList<>();
    private long round;
    private static final int FLOOD_STREAK = 4;
    /** Bytes read in the current round of epoll events (pump thread only). */
    private long roundBytes;
    /** Below this many bytes in a round, the pump waits {@link #COALESCE_NANOS} before the next round. */
    private static final long COALESCE_BELOW = 16 << 10;
    /**
     * Measured with PumpThroughput (512 MiB, one write per 100-byte line): 0 -> 520,000 reads and
     * 1.8 s of pump CPU; 50 us -> 25,000 reads, 0.6 s, and the writer done 15% sooner; 200 us ->
     * 14,000 reads, 0.47 s, but no sooner. One line now and then waits at most this long.
     */
    private static final long COALESCE_NANOS = 50_000;

    OutputPump() {
        epoll = PumpCalls.epoll_create1(PumpCalls.EPOLL_CLOEXEC);
        if (epoll < 0) {
            throw new IllegalStateException("epoll_create1 failed: errno " + Native.getLastError());
        }
        wake = PumpCalls.eventfd(0, PumpCalls.EFD_CLOEXEC);
        if (wake < 0 || !add(wake, WAKE)) {
            throw new IllegalStateException("eventfd for the output pump failed: errno " + Native.getLastError());
        }
        thread = new Thread(this, "svd-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes ownership of the two read ends: from now on their bytes go to {@code listener}. Any thread. */
    void register(int stdout, int stderr, OutputListener listener) {
        Capture capture = new Capture(listener);
        for (Pipe pipe : new Pipe[] {new Pipe(stdout, OutputStream.STDOUT, capture),
                new Pipe(stderr, OutputStream.STDERR, capture)}) {
            pipes.put(pipe.fd, pipe);
            if (!add(pipe.fd, pipe.fd)) {
                log.error("cannot watch the {} pipe (errno {}); its output is lost", pipe.stream, Native.getLastError());
                pipes.remove(pipe.fd);
                PumpCalls.close(pipe.fd);
                capture.open--;
            }
        }
    }

    private boolean add(int fd, long data) {
        Memory event = new Memory(PumpCalls.EPOLL_EVENT_BYTES);
        event.setInt(0, PumpCalls.EPOLLIN);
        event.setLong(PumpCalls.EPOLL_DATA_OFFSET, data);
        return PumpCalls.epoll_ctl(epoll, PumpCalls.EPOLL_CTL_ADD, fd, event) == 0;
    }

    @Override
    public void run() {
        while (!closing) {
            // Blocks only when no pipe floods: an idle svd never wakes here.
            int n = PumpCalls.epoll_wait(epoll, events, MAX_EVENTS, flooding.isEmpty() ? -1 : 0);
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
            readFlooding();
            for (int i = 0; i < n; i++) {
                long data = events.getLong((long) i * PumpCalls.EPOLL_EVENT_BYTES + PumpCalls.EPOLL_DATA_OFFSET);
                if (data == WAKE) {
                    continue;
                }
                Pipe pipe = pipes.get((int) data);
                if (pipe == null || pipe.flooding) {
                    continue;
                }
                for (int r = 0; r < READS_PER_WAKE && readOnce(pipe) == READ_BYTES; r++) {
                    // a full buffer: the pipe may hold more
                }
                if (pipe.open && pipe.streak >= FLOOD_STREAK
                        && PumpCalls.epoll_ctl(epoll, PumpCalls.EPOLL_CTL_DEL, pipe.fd, null) == 0) {
                    pipe.flooding = true;
                    flooding.add(pipe);
                }
            }
            if (roundBytes > 0 && roundBytes < COALESCE_BELOW) {
                // Small reads: a writer of many small lines. Reading each as it comes costs a
                // wake-up of this thread per line, and the writer a wake-up call per write;
                // letting lines gather for a moment moves them in one read instead.
                java.util.concurrent.locks.LockSupport.parkNanos(COALESCE_NANOS);
            }
        }
        for (Pipe pipe : pipes.values()) {
            PumpCalls.close(pipe.fd);
        }
        PumpCalls.close(wake);
        PumpCalls.close(epoll);
    }

    /** Reads each flooding pipe; one that is empty goes back to the epoll set, one that ended is gone. */
    private void readFlooding() {
        for (java.util.Iterator<Pipe> it = flooding.iterator(); it.hasNext(); ) {
            Pipe pipe = it.next();
            long got = readOnce(pipe);
            if (got == READ_BYTES) {
                readOnce(pipe); // a full buffer: the pipe may hold more
            }
            if (!pipe.open) {
                it.remove();
            } else if (got < 0) {
                it.remove();
                pipe.flooding = false;
                pipe.streak = 0;
                if (!add(pipe.fd, pipe.fd)) {
                    log.error("cannot watch the {} pipe again (errno {}); its output is lost", pipe.stream,
                            Native.getLastError());
                }
            }
        }
    }

    /**
     * One read: bytes to the listener, end of file closes the pipe, a full pipe gets larger.
     * Returns the bytes read, 0 at end of file (the pipe is then closed), -1 when it was empty.
     */
    private long readOnce(Pipe pipe) {
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
        pipes.remove(pipe.fd);
        pipe.open = false;
        PumpCalls.close(pipe.fd); // also leaves the epoll set
        Capture capture = pipe.capture;
        if (--capture.open == 0) {
            try {
                capture.listener.closed();
            } catch (RuntimeException e) {
                log.error("end of output could not be handled", e);
            }
        }
        return 0;
    }

    /** Counts the rounds in a row with bytes, and makes a pipe that a read found full 1 MiB large. */
    private void afterRead(Pipe pipe, int got) {
        if (pipe.lastRound != round) {
            pipe.streak = pipe.lastRound == round - 1 ? pipe.streak + 1 : 1;
            pipe.lastRound = round;
        }
        if (pipe.capacity == 0) {
            pipe.capacity = PumpCalls.fcntl(pipe.fd, SpawnCalls.F_GETPIPE_SZ, 0);
        }
        if (got >= pipe.capacity && pipe.capacity > 0 && pipe.capacity < LARGE_PIPE) {
            int grown = PumpCalls.fcntl(pipe.fd, SpawnCalls.F_SETPIPE_SZ, LARGE_PIPE);
            pipe.capacity = grown > 0 ? grown : LARGE_PIPE; // refused: do not ask again
        }
    }

    /** Ends the pump thread; the pipes still open are closed and their listeners not told. */
    @Override
    public void close() {
        closing = true;
        Memory one = new Memory(8);
        one.setLong(0, 1);
        PumpCalls.write(wake, one, 8);
    }
}
