package dev.svd.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import dev.svd.os.SafePaths;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's log file, {@code NAME.log}, rotated by size to {@code NAME.log.1 .. NAME.log.KEEP}.
 * Bytes are written unchanged from the caller's buffer. A write error never escapes: the bytes are
 * counted as lost, one WARN is logged per episode, and a marker line goes into the file once
 * writing works again. One thread at a time (the pump thread).
 */
final class RotatingFile implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(RotatingFile.class);

    /** Opens the file for appending; the seam tests use to simulate a full disk. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path path) throws IOException;
    }

    static final ChannelOpener APPEND = append(null);

    /**
     * Opens {@code NAME.log} for appending, never through a link (O_NOFOLLOW), a new file 0640 with
     * {@code group} (the control's read-only group; null: svd's); a missing log-dir is made again
     * (0750, same group) and checked like at svd's start (docs/logging.md, issue 12).
     */
    static ChannelOpener append(GroupPrincipal group) {
        return path -> {
            Path dir = path.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                SafePaths.ensureDirectory(dir, "svd.log-dir", SafePaths.PRIVATE_DIRECTORY, group);
                log.info("made the log directory {} again (it was removed)", dir);
            }
            return SafePaths.openAppend(path, SafePaths.PRIVATE_FILE, group);
        };
    }

    /** How often an open file is checked for still being there under its name (removed with its directory). */
    static final long PRESENCE_CHECK_NANOS = 1_000_000_000L;

    private final String service;
    private final Path path;
    private final long maxSize;
    private final int keep;
    private final ChannelOpener opener;
    private final Executor remover;
    private final long presenceCheckNanos;
    private long presenceCheckedAt;
    private long drops;
    private FileChannel channel;
    private long size;
    private boolean atLineStart = true;
    private long lostInEpisode;
    private String lossReason;
    private volatile long lostTotal;

    RotatingFile(String service, Path path, long maxSize, int keep, ChannelOpener opener) throws IOException {
        this(service, path, maxSize, keep, opener, Runnable::run);
    }

    RotatingFile(String service, Path path, long maxSize, int keep, ChannelOpener opener, Executor remover)
            throws IOException {
        this(service, path, maxSize, keep, opener, remover, PRESENCE_CHECK_NANOS);
    }

    /**
     * {@code path} is opened (appended to), and its directory made if missing, by {@code opener} at
     * the first write, so a start of many services does not create files on its critical path
     * (about 0.3 ms each while the JIT is cold) and a service that writes nothing has no file.
     * Files that rotation drops are renamed out of the way at once and deleted by {@code remover}.
     * At most every {@code presenceCheckNanos} a write checks that the open file is still there
     * under its name (one stat); when it is not (its directory was removed), the file is opened
     * anew, and the directory made again.
     */
    RotatingFile(String service, Path path, long maxSize, int keep, ChannelOpener opener, Executor remover,
            long presenceCheckNanos) throws IOException {
        this.service = service;
        this.path = path;
        this.maxSize = Math.max(1, maxSize);
        this.keep = Math.max(0, keep);
        this.opener = opener;
        this.remover = remover;
        this.presenceCheckNanos = presenceCheckNanos;
    }

    /** Writes all of {@code chunk} (its position ends at its limit), rotating as needed; never throws. */
    void write(ByteBuffer chunk) {
        try {
            if (lostInEpisode > 0) {
                writeLossMarker();
            }
            writeRotating(chunk);
        } catch (IOException e) {
            lose(chunk.remaining(), e);
            chunk.position(chunk.limit());
            if (channel != null && !channel.isOpen()) {
                // Closed under us, e.g. ClosedByInterruptException: open it again on the next chunk.
                channel = null;
            }
        }
    }

    /**
     * Closes the file so the next write opens {@code path} anew: after an outside tool (logrotate)
     * moved it away, new output goes to a new file (svd's SIGUSR1).
     */
    void reopen() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("{}: closing {} to reopen it failed: {}", service, path, e.toString());
            }
            channel = null;
        }
    }

    /** Bytes of output lost to write errors since this file was opened; any thread (one writer, volatile). */
    long lostBytes() {
        return lostTotal;
    }

    @Override
    public void close() throws IOException {
        if (lostInEpisode > 0) {
            log.warn("{}: closing {} with {} bytes of output lost ({})", service, path, lostInEpisode, lossReason);
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void writeRotating(ByteBuffer chunk) throws IOException {
        if (channel != null && System.nanoTime() - presenceCheckedAt >= presenceCheckNanos) {
            presenceCheckedAt = System.nanoTime();
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                log.warn("{}: {} was removed; opening it again", service, path);
                reopen();
            }
        }
        while (chunk.hasRemaining()) {
            if (channel == null) {
                open();
            }
            long room = maxSize - size;
            if (chunk.remaining() <= room) {
                writeFully(chunk, chunk.limit());
                return;
            }
            int end = splitPoint(chunk, (int) Math.max(0, room));
            if (end > chunk.position()) {
                writeFully(chunk, end);
            }
            rotate();
        }
    }

    /**
     * Where to cut a chunk that does not fit: after its last newline within {@code room}; else
     * before the chunk (the line starts the next file); else, when the file is empty and the line
     * alone is too long, at {@code room}.
     */
    private int splitPoint(ByteBuffer chunk, int room) {
        int from = chunk.position();
        int newline = Newlines.previous(chunk, from, from + room);
        if (newline >= 0) {
            return newline + 1;
        }
        return size == 0 ? from + room : from;
    }

    private void writeFully(ByteBuffer chunk, int end) throws IOException {
        int start = chunk.position();
        int limit = chunk.limit();
        chunk.limit(end);
        try {
            while (chunk.hasRemaining()) {
                size += channel.write(chunk);
            }
        } finally {
            chunk.limit(limit);
            if (chunk.position() > start) {
                atLineStart = chunk.get(chunk.position() - 1) == '\n';
            }
        }
    }

    /**
     * NAME.log.KEEP is dropped, each NAME.log.i becomes NAME.log.(i+1), NAME.log becomes NAME.log.1.
     * rename(2) moves a name, never what a link there points to, so a link planted as NAME.log.i is
     * moved (and in the end dropped) as a link.
     */
    private void rotate() throws IOException {
        FileChannel old = channel;
        channel = null;
        old.close();
        if (keep == 0) {
            drop(path);
        } else {
            drop(numbered(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(numbered(i), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(path, numbered(1), StandardCopyOption.ATOMIC_MOVE);
        }
        open();
    }

    /**
     * Deleting a file of max-size bytes frees its pages and blocks, measured at about 1.6 ms for
     * 10 MiB here: too long for the pump, which serves every service. So the file is renamed to a
     * hidden name (cheap) and deleted by the remover.
     */
    private void drop(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path doomed = file.resolveSibling("." + file.getFileName() + ".dropped." + ++drops);
        Files.move(file, doomed, StandardCopyOption.ATOMIC_MOVE);
        try {
            remover.execute(() -> delete(doomed));
        } catch (RejectedExecutionException e) {
            delete(doomed);
        }
    }

    private void delete(Path doomed) {
        try {
            Files.deleteIfExists(doomed);
        } catch (IOException e) {
            log.warn("{}: cannot delete the old log file {} ({})", service, doomed, e.toString());
        }
    }

    private void open() throws IOException {
        presenceCheckedAt = System.nanoTime();
        channel = opener.open(path);
        size = channel.size();
        atLineStart = true;
    }

    private Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    private void writeLossMarker() throws IOException {
        String marker = (atLineStart ? "" : "\n")
                + "[svd: " + lostInEpisode + " bytes of output lost: " + lossReason + "]\n";
        writeRotating(ByteBuffer.wrap(marker.getBytes(StandardCharsets.UTF_8)));
        log.info("{}: writing {} again; {} bytes of output were lost ({})", service, path, lostInEpisode, lossReason);
        lostInEpisode = 0;
        lossReason = null;
    }

    private void lose(int bytes, IOException cause) {
        if (lostInEpisode == 0) {
            lossReason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            log.warn("{}: cannot write {} ({}); dropping output until writing works again", service, path, cause.toString());
        }
        lostInEpisode += bytes;
        lostTotal += bytes;
    }
}
