package dev.svd.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A log file that output can be spliced into (splice(2)): the pump moves bytes from a pipe to it in
 * the kernel, never through the JVM (docs/logging.md, "Zero copy"). Its own descriptor, opened
 * without O_APPEND (splice(2) refuses files opened for appending: EINVAL) and never through a link
 * (O_NOFOLLOW); bytes go at {@link #offset()}, which the owner keeps at the file's end. The owner
 * (logs.RotatingFile) and the pump use it on the pump thread only.
 */
public final class SpliceFile implements Closeable {
    private final int fd;
    /** The loff_t that splice(2) writes at and advances. */
    private final Memory offset = new Memory(8);
    private boolean closed;

    private SpliceFile(int fd) {
        this.fd = fd;
    }

    /** Opens the existing regular file {@code path} for writing, never through a link. */
    public static SpliceFile open(Path path) throws IOException {
        try {
            return new SpliceFile(LibC.C.open(path.toString(), LibC.O_WRONLY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + path + " for splice(2): errno " + e.getErrorCode());
        }
    }

    /** Where the next spliced byte goes. */
    public long offset() {
        return offset.getLong(0);
    }

    /** Sets where the next spliced byte goes (the file's end). */
    public void offset(long at) {
        offset.setLong(0, at);
    }

    /**
     * Moves up to {@code max} bytes from the pipe {@code pipeFd} to the file at {@link #offset()},
     * advancing it. Returns the bytes moved, 0 at the pipe's end of file, or minus errno (EAGAIN: the
     * pipe is empty; others, e.g. ENOSPC, are the file's).
     */
    long spliceFrom(int pipeFd, long max) {
        long got = PumpCalls.splice(pipeFd, null, fd, offset, max, PumpCalls.SPLICE_F_MOVE | PumpCalls.SPLICE_F_NONBLOCK);
        return got >= 0 ? got : -Native.getLastError();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.C.close(fd);
        }
    }
}
