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
import dev.svd.os.OutputKind;
import dev.svd.os.SafePaths;
import dev.svd.os.SpliceFile;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's log file, {@code NAME.log}, rotated by size to {@code NAME.log.1 .. NAME.log.KEEP}.
 * Bytes are written unchanged from the caller's buffer ({@link #write}), as records
 * ({@link #writeRecords}), or spliced in by the pump ({@link #spliceTarget}). A write error never escapes: the bytes are
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

    /** Opens the file's descriptor for splice(2); the seam tests use to make splicing fail. */
    @FunctionalInterface
    interface SpliceOpener {
        SpliceFile open(Path path) throws IOException;
    }

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
    /** Records: gathered in the thread's {@link Scratch#staging} before they are written, one call per this many bytes at most. */
    private static final int STAGING_BYTES = 512 * 1024;
    /** A line at least this long is written from the caller's chunk, not copied. */
    private static final int GATHER_FROM = 16 * 1024;
    private static final ByteBuffer NEWLINE = ByteBuffer.allocateDirect(1).put((byte) '\n').flip();
    private final RecordPrefix prefixes = new RecordPrefix();
    private final ByteBuffer[] gather = new ByteBuffer[3];
    /** The calling thread's scratch while a chunk is written as records (null otherwise). */
    private Scratch scratch;
    private byte[] staging;
    private int staged;
    /** Splice mode: a second descriptor of the open file for the pump (null while closed, or when it could not be opened). */
    private final SpliceOpener spliceOpener;
    private SpliceFile spliceFile;
    /** The file's last bytes came by splice: whether it ends with a newline is not known without reading it. */
    private boolean endUnknown;
    /** Rotations so far: NAME.log of generation g is NAME.log.(generation - g) now. */
    private long generation;
    /** Files of earlier generations were left by a reopen: where they are now is not known. */
    private long reachableFrom;
    /** In the chunk being written as records: its bytes before this are in the file, before {@code stagedTo} staged. */
    private int writtenTo;
    private int stagedTo;

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
        this(service, path, maxSize, keep, opener, remover, presenceCheckNanos, null);
    }

    /** As above; with {@code spliceOpener} not null the pump may splice(2) into the file ({@link #spliceTarget}). */
    RotatingFile(String service, Path path, long maxSize, int keep, ChannelOpener opener, Executor remover,
            long presenceCheckNanos, SpliceOpener spliceOpener) throws IOException {
        this.spliceOpener = spliceOpener;
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
     * The file the next {@code max} bytes may be spliced into, its offset at the file's end; null when
     * they must be read and written instead: not in splice mode, writing failed (the read path counts
     * the loss and writes the marker), or they might cross max-size (the read path cuts the file
     * exactly after a newline; with max-size 10 MiB and reads of 256 KiB, at most one read in 40).
     */
    SpliceFile spliceTarget(long max) {
        if (spliceOpener == null || lostInEpisode > 0) {
            return null;
        }
        checkPresence();
        if (channel == null) {
            try {
                open();
            } catch (IOException e) {
                return null; // the read path tries again, and counts and reports what it cannot write
            }
        }
        if (spliceFile == null || maxSize - size < max) {
            return null;
        }
        spliceFile.offset(size);
        return spliceFile;
    }

    /** {@code bytes} went into the file by splice at its end. */
    void spliced(long bytes) {
        size += bytes;
        endUnknown = true;
    }

    /** The open file's size (where the next byte goes). */
    long size() {
        return size;
    }

    /** Rotations so far; see {@link #path(long)}. */
    long generation() {
        return generation;
    }

    /** Where the file of generation {@code g} is now (NAME.log, NAME.log.N), or null when rotation dropped it. */
    Path path(long g) {
        if (g < reachableFrom) {
            return null; // opened anew since (removed, moved away by logrotate, a write error)
        }
        long age = generation - g;
        if (age == 0) {
            return path;
        }
        return age > 0 && age <= keep ? numbered((int) age) : null;
    }

    /**
     * Closes the file so the next write opens {@code path} anew: after an outside tool (logrotate)
     * moved it away, new output goes to a new file (svd's SIGUSR1).
     */
    void reopen() {
        closeSpliceFile();
        generation++;
        reachableFrom = generation;
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
        closeSpliceFile();
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void closeSpliceFile() {
        if (spliceFile != null) {
            spliceFile.close();
            spliceFile = null;
        }
    }

    /**
     * The working space of the thread that writes records, shared by all the files it writes (a
     * file is written by one thread at a time, and a chunk's records are all written before the
     * call returns): the chunk copied to the heap as bytes and as little-endian words, where its
     * newlines are, and the records gathered before they are written. Per thread rather than per
     * file, so that 2,000 services do not each keep a large chunk's worth of arrays.
     */
    private static final class Scratch {
        byte[] scan = new byte[0];
        long[] words = new long[0];
        final int[] newlines = new int[4096];
        /** Grown as records need it, up to STAGING_BYTES: a thread that writes a few lines keeps a small one. */
        byte[] staging = new byte[4096];
        ByteBuffer stagingBuffer = ByteBuffer.wrap(staging);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Writes all of {@code chunk} (its position ends at its limit) as records of {@code stream} read at
     * {@code epochMillis} (docs/logging.md, "Records"): one per line, {@code F} when the line's newline
     * is in the chunk, {@code P} for a trailing partial line (its newline is svd's). Files are cut at
     * record boundaries; a record that alone exceeds max-size is cut into {@code P} records. The
     * chunk's newlines are found in one pass over a heap copy of it, each record is copied once
     * into the thread's staging array, and the records are written with one call per 512 KiB (a
     * 256 KiB chunk of 100-byte lines in one: fewer, larger writes cost the kernel less, see
     * docs/benchmarks.md); a line of 16 KiB or more that does not fit is written from the chunk
     * itself (gathering write). Never throws.
     */
    void writeRecords(OutputKind stream, ByteBuffer chunk, long epochMillis) {
        int end = chunk.limit();
        int begin = chunk.position();
        writtenTo = begin;
        stagedTo = begin;
        scratch = SCRATCH.get();
        staging = scratch.staging;
        staged = 0;
        try {
            if (lostInEpisode > 0) {
                writeLossMarker();
            }
            checkPresence();
            if (channel == null) {
                open();
            }
            int length = end - begin;
            // The chunk is copied to the heap twice in bulk (each about 10 ms of CPU per 512 MiB):
            // as bytes, the records' source, and as words, where one loop finds its newlines.
            byte[] scan = scratch.scan;
            long[] words = scratch.words;
            if (scan.length < length) {
                int grown = Math.max(length, Math.min(2 * scan.length, 256 << 10));
                scratch.scan = scan = new byte[grown];
                scratch.words = words = new long[(grown + 7) >>> 3];
            }
            chunk.get(begin, scan, 0, length);
            Newlines.words(chunk, begin, length, words);
            byte[] prefix = prefixes.at(epochMillis, stream);
            prefix[RecordPrefix.KIND_AT] = 'F';
            int[] newlines = scratch.newlines;
            int at = 0;
            int found;
            do {
                found = Newlines.all(words, at, length, newlines);
                for (int k = 0; k < found; k++) {
                    int lineEnd = newlines[k] + 1;
                    int recordBytes = RecordPrefix.BYTES + lineEnd - at;
                    if (staged + recordBytes <= staging.length && size + staged + recordBytes <= maxSize) {
                        // The usual case, inline: a whole line that fits in the file and the staging array.
                        System.arraycopy(prefix, 0, staging, staged, RecordPrefix.BYTES);
                        System.arraycopy(scan, at, staging, staged + RecordPrefix.BYTES, lineEnd - at);
                        staged += recordBytes;
                        stagedTo = begin + lineEnd;
                    } else {
                        record(prefix, chunk, begin, at, lineEnd, true);
                    }
                    at = lineEnd;
                }
            } while (found == newlines.length);
            if (at < length) {
                record(prefix, chunk, begin, at, length, false);
            }
            flushStaging();
        } catch (IOException e) {
            staged = 0;
            lose(end - writtenTo, e);
            if (channel != null && !channel.isOpen()) {
                channel = null;
            }
        } finally {
            scratch = null;
            staging = null;
            chunk.limit(end);
            chunk.position(end);
        }
    }

    /** One line (or partial line) {@code scan[from, to)}, which is {@code chunk[base + from, base + to)}, as records. */
    private void record(byte[] prefix, ByteBuffer chunk, int base, int from, int to, boolean complete) throws IOException {
        while (true) {
            long used = size + staged;
            long recordBytes = RecordPrefix.BYTES + (to - from) + (complete ? 0 : 1);
            if (used + recordBytes <= maxSize) {
                emit(prefix, chunk, base, from, to, complete);
                return;
            }
            if (used > 0) {
                flushStaging();
                rotate();
                continue;
            }
            // Alone in an empty file and still too long: what fits as a P record, the rest in the next file.
            int piece = (int) Math.max(1, maxSize - RecordPrefix.BYTES - 1);
            if (piece >= to - from) {
                emit(prefix, chunk, base, from, to, complete); // max-size is smaller than a record's head
                return;
            }
            emit(prefix, chunk, base, from, from + piece, false);
            flushStaging();
            rotate();
            from += piece;
        }
    }

    private void emit(byte[] prefix, ByteBuffer chunk, int base, int from, int to, boolean complete) throws IOException {
        prefix[RecordPrefix.KIND_AT] = (byte) (complete ? 'F' : 'P');
        int body = to - from;
        if (staging.length - staged < RecordPrefix.BYTES + body + 1 && staging.length < STAGING_BYTES) {
            grow(staged + RecordPrefix.BYTES + body + 1);
        }
        if (staging.length - staged < RecordPrefix.BYTES + body + 1) {
            if (body >= GATHER_FROM) {
                if (staging.length - staged < RecordPrefix.BYTES) {
                    flushStaging();
                }
                System.arraycopy(prefix, 0, staging, staged, RecordPrefix.BYTES);
                staged += RecordPrefix.BYTES;
                writeGathered(chunk, base + from, base + to, complete);
                return;
            }
            flushStaging();
        }
        System.arraycopy(prefix, 0, staging, staged, RecordPrefix.BYTES);
        staged += RecordPrefix.BYTES;
        System.arraycopy(scratch.scan, from, staging, staged, body);
        staged += body;
        if (!complete) {
            staging[staged++] = '\n';
        }
        stagedTo = base + to;
    }

    /** Makes the thread's staging array hold {@code needed} bytes, at most STAGING_BYTES, keeping what is staged. */
    private void grow(int needed) {
        int length = Math.min(STAGING_BYTES, Math.max(needed, 2 * staging.length));
        staging = java.util.Arrays.copyOf(staging, length);
        scratch.staging = staging;
        scratch.stagingBuffer = ByteBuffer.wrap(staging);
    }

    /** The staged records, then {@code chunk[from, to)} from where it is, then svd's newline for a partial line. */
    private void writeGathered(ByteBuffer chunk, int from, int to, boolean complete) throws IOException {
        ByteBuffer stagingBuffer = scratch.stagingBuffer.clear().limit(staged);
        int limit = chunk.limit();
        chunk.limit(to).position(from);
        gather[0] = stagingBuffer;
        gather[1] = chunk;
        gather[2] = NEWLINE.duplicate();
        int parts = complete ? 2 : 3;
        long before = size;
        try {
            while (gather[parts - 1].hasRemaining()) {
                size += channel.write(gather, 0, parts);
            }
        } catch (IOException e) {
            // The records staged before this line's head may be in the file whole; this line is not.
            long written = size - before;
            keepWholeRecords((int) Math.min(written, staged), Math.max(0, written - staged));
            throw e;
        } finally {
            chunk.limit(limit);
            gather[1] = null;
            staged = 0;
        }
        writtenTo = to;
        stagedTo = to;
        atLineStart = true; // a record ends with a newline
        endUnknown = false;
    }

    private void flushStaging() throws IOException {
        ByteBuffer stagingBuffer = scratch.stagingBuffer.clear().limit(staged);
        try {
            while (stagingBuffer.hasRemaining()) {
                size += channel.write(stagingBuffer);
            }
        } finally {
            int written = stagingBuffer.position();
            if (written > 0) {
                atLineStart = staging[written - 1] == '\n';
                endUnknown = false;
            }
            if (written < staged) {
                written = keepWholeRecords(written, 0);
                System.arraycopy(staging, written, staging, 0, staged - written);
            }
            staged -= written;
        }
        writtenTo = stagedTo;
    }

    /**
     * A write failed after {@code written} bytes of {@code staging}: the program's bytes in the records
     * it wrote whole are in the file, so only the rest counts as lost, and the piece of the record the
     * failure cut is cut from the file again, so that the file holds whole records before the loss
     * marker (docs/logging.md, "Disk full and other write errors"); {@code writtenBeyond}: bytes of a line written
     * from the chunk after the staged ones. Returns the staged bytes counted as in the file.
     */
    private int keepWholeRecords(int written, long writtenBeyond) {
        int whole = written;
        while (whole > 0 && staging[whole - 1] != '\n') {
            whole--;
        }
        long piece = written - whole + writtenBeyond;
        if (piece > 0) {
            try {
                channel.truncate(size - piece);
                size -= piece;
                atLineStart = true;
            } catch (IOException | RuntimeException e) {
                // the piece stays: readers show it as a line that is not a record
                atLineStart = false;
                endUnknown = false;
            }
        }
        writtenTo += programBytes(whole);
        return whole;
    }

    /**
     * The program's bytes in the whole records among {@code staging[0, length)}: each record is a head
     * and a line up to its one newline, the program's for F, svd's for P (docs/logging.md, "Records").
     */
    private int programBytes(int length) {
        int bytes = 0;
        for (int at = 0; ; ) {
            int newline = Newlines.next(staging, at, length);
            if (newline < 0) {
                return bytes;
            }
            boolean partial = staging[at + RecordPrefix.KIND_AT] == 'P';
            bytes += newline + 1 - at - RecordPrefix.BYTES - (partial ? 1 : 0);
            at = newline + 1;
        }
    }

    private void checkPresence() {
        if (channel != null && System.nanoTime() - presenceCheckedAt >= presenceCheckNanos) {
            presenceCheckedAt = System.nanoTime();
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                log.warn("{}: {} was removed; opening it again", service, path);
                reopen();
            }
        }
    }

    private void writeRotating(ByteBuffer chunk) throws IOException {
        checkPresence();
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
                endUnknown = false;
            }
        }
    }

    /**
     * NAME.log.KEEP is dropped, each NAME.log.i becomes NAME.log.(i+1), NAME.log becomes NAME.log.1.
     * rename(2) moves a name, never what a link there points to, so a link planted as NAME.log.i is
     * moved (and in the end dropped) as a link.
     */
    private void rotate() throws IOException {
        closeSpliceFile();
        FileChannel old = channel;
        channel = null;
        old.close();
        generation++;
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
        closeSpliceFile();
        channel = opener.open(path);
        size = channel.size();
        atLineStart = true;
        endUnknown = false;
        if (spliceOpener != null) {
            try {
                spliceFile = spliceOpener.open(path);
            } catch (IOException e) {
                log.warn("{}: cannot splice into {} ({}); its output is read and written instead", service, path,
                        e.getMessage());
            }
        }
    }

    private Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    private void writeLossMarker() throws IOException {
        if (endUnknown && channel != null && size > 0) {
            atLineStart = lastByteIsNewline();
        }
        String marker = (atLineStart ? "" : "\n")
                + "[svd: " + lostInEpisode + " bytes of output lost: " + lossReason + "]\n";
        FileChannel markedIn = channel;
        long before = size;
        boolean lineStartBefore = atLineStart;
        try {
            writeRotating(ByteBuffer.wrap(marker.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // Still no room for all of it: a piece of the marker would read as a line of output
            if (channel == markedIn && channel != null && size > before) {
                try {
                    channel.truncate(before);
                    size = before;
                    atLineStart = lineStartBefore;
                } catch (IOException | RuntimeException cut) {
                    atLineStart = false;
                }
            }
            throw e;
        }
        log.info("{}: writing {} again; {} bytes of output were lost ({})", service, path, lostInEpisode, lossReason);
        lostInEpisode = 0;
        lossReason = null;
    }

    /** Reads the file's last byte (its end came by splice). */
    private boolean lastByteIsNewline() {
        try (FileChannel read = FileChannel.open(path, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            return read.read(last, size - 1) == 1 && last.get(0) == '\n';
        } catch (IOException e) {
            return false;
        }
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
