package dev.svd.logs;

import dev.svd.os.OutputKind;
import dev.svd.config.LogSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import dev.svd.os.SpliceFile;
import java.util.ArrayList;
import java.nio.file.attribute.GroupPrincipal;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Everything one service writes to stdout and stderr: in arrival order to {@code logDir/NAME.log}
 * (rotated by size), as records with the time each chunk was read and its stream (log.timestamps)
 * or unchanged, each complete line to the console prefixed with the service name, the last lines of
 * each stream in memory (with their read time), and live to followers. With neither timestamps nor
 * console the pump may splice(2) the bytes into the file ({@link #spliceTarget}); the tail then
 * reads them back from the file when asked. See docs/logging.md.
 *
 * <p>Threads: {@link #accept}, {@link #endOfStream} and {@link #close} are called by one thread
 * at a time, the pump thread (os.OutputPump), and never block for long; {@link #tail},
 * {@link #follow} and {@link #bytes} may be called from any thread.
 *
 * <p>Each chunk gets an arrival number, counted across both streams, which its lines keep in the
 * tail: {@code tail(null, n)} merges the two tails in arrival order (svctl logs shows both streams
 * by default, issue 11).
 */
public final class ServiceOutput implements AutoCloseable {
    private final RotatingFile file;
    private final ConsoleFormatter console;
    private final StreamLines stdout;
    private final StreamLines stderr;
    /** Chunks (and ends of stream) so far, both streams; written by the one thread at a time that accepts. */
    private long arrivals;
    private volatile long stdoutBytes;
    private volatile long stderrBytes;
    private final boolean timestamps;
    /**
     * Spliced bytes the tail has not seen: a ring of segments (stream, file generation, offset,
     * length, arrival, time), 16 at first, grown up to this many (48 KiB) as pieces wait.
     */
    private static final int SEGMENTS = 1024;
    /** The most spliced bytes of a stream that the tail reads back at once: the tail's own batch (TailBuffer). */
    private static final long READ_BACK = TailBuffer.DEFER_LIMIT;
    private byte[] segStream;
    private long[] segGeneration;
    private long[] segOffset;
    private long[] segLength;
    private long[] segSeq;
    private long[] segTime;
    private int first;
    private int pending;
    private volatile long splicedBytes;
    private final LongSupplier clock;
    /** When the chunk being handled was read (epoch ms); the pump thread's, read by followers on it. */
    private long readAt;

    /**
     * Appends to {@code logDir/SERVICE.log} (0640, never through a link), opened at the first output;
     * a missing {@code logDir} is made then (0750).
     * Old files dropped by rotation are deleted on the calling thread (the pump); prefer the
     * constructor with a remover.
     */
    public ServiceOutput(String service, LogSpec spec, Path logDir, ConsoleSink console) throws IOException {
        this(service, spec, logDir, console, Runnable::run);
    }

    /**
     * As above, with {@code remover} deleting the old files that rotation drops (a file of
     * max-size bytes takes milliseconds to delete); one single-thread executor can serve all
     * services.
     */
    public ServiceOutput(String service, LogSpec spec, Path logDir, ConsoleSink console, Executor remover)
            throws IOException {
        this(service, spec, logDir, console, remover, RotatingFile.APPEND);
    }

    /** As above, new log files (and a log-dir made again) belonging to {@code group} (null: svd's group). */
    public ServiceOutput(String service, LogSpec spec, Path logDir, ConsoleSink console, Executor remover,
            GroupPrincipal group) throws IOException {
        this(service, spec, logDir, console, remover, RotatingFile.append(group));
    }

    ServiceOutput(String service, LogSpec spec, Path logDir, ConsoleSink console, Executor remover,
            RotatingFile.ChannelOpener opener) throws IOException {
        this(service, spec, logDir, console, remover, opener, System::currentTimeMillis);
    }

    /** {@code clock}: the time a chunk is read, in epoch milliseconds. */
    ServiceOutput(String service, LogSpec spec, Path logDir, ConsoleSink console, Executor remover,
            RotatingFile.ChannelOpener opener, LongSupplier clock) throws IOException {
        this(service, spec, logDir, console, remover, opener, clock, SpliceFile::open);
    }

    /** {@code splicer}: opens the log file for splice(2), used with neither timestamps nor console. */
    ServiceOutput(String service, LogSpec spec, Path logDir, ConsoleSink console, Executor remover,
            RotatingFile.ChannelOpener opener, LongSupplier clock, RotatingFile.SpliceOpener splicer) throws IOException {
        this.timestamps = spec.timestamps();
        this.clock = clock;
        // Zero copy (docs/logging.md): the file holds the bytes unchanged and nobody else needs them as
        // they come, so the pump may move them from the pipe to the file in the kernel.
        boolean zeroCopy = !spec.timestamps() && !spec.console();
        this.file = new RotatingFile(service, logDir.resolve(service + ".log"), spec.maxSize(), spec.keep(), opener,
                remover, RotatingFile.PRESENCE_CHECK_NANOS, zeroCopy ? splicer : null);
        this.console = spec.console() ? new ConsoleFormatter(service, console, spec.consoleTimestamps()) : null;
        this.stdout = new StreamLines(service, spec.tailLines(), consoleLines(OutputKind.STDOUT));
        this.stderr = new StreamLines(service, spec.tailLines(), consoleLines(OutputKind.STDERR));
    }

    /**
     * Takes all of {@code bytes} from its position to its limit (the position ends at the limit)
     * without keeping a reference to it. Never throws for I/O trouble: lost bytes are counted.
     */
    public void accept(OutputKind stream, ByteBuffer bytes) {
        int from = bytes.position();
        int to = bytes.limit();
        if (from == to) {
            return;
        }
        if (pending > 0) {
            readBack(); // the tail keeps arrival order: spliced bytes before this chunk go in first
        }
        try {
            // one writer at a time (see the class comment): a plain add to a volatile is safe here
            if (stream == OutputKind.STDOUT) {
                stdoutBytes += to - from;
            } else {
                stderrBytes += to - from;
            }
            long now = clock.getAsLong();
            readAt = now;
            if (console != null) {
                console.time(now, stream);
            }
            if (timestamps) {
                file.writeRecords(stream, bytes, now);
            } else {
                file.write(bytes);
            }
            StreamLines lines = of(stream);
            lines.accept(lines.linesWanted() && bytes.isDirect() ? heapCopy(bytes, from, to) : bytes, from, to,
                    ++arrivals, now);
            if (console != null) {
                console.flush();
            }
        } finally {
            bytes.position(to);
        }
    }

    /** The calling thread's heap copy of a chunk that is cut into lines; see {@link #heapCopy}. */
    private static final ThreadLocal<ByteBuffer[]> LINES_COPY = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

    /**
     * {@code bytes[from, to)} copied in bulk to a heap buffer of the calling thread, at the same
     * indexes, for cutting into lines (console, followers): on svd's C1, finding a line's newline in
     * a heap array and copying the line out of it with System.arraycopy cost a fraction of doing
     * both through the pump's direct buffer, call by call (docs/benchmarks.md). Valid until the
     * thread's next call.
     */
    private static ByteBuffer heapCopy(ByteBuffer bytes, int from, int to) {
        ByteBuffer[] copy = LINES_COPY.get();
        if (copy[0] == null || copy[0].capacity() < to) {
            copy[0] = ByteBuffer.allocate(Math.max(to, 64 << 10));
        }
        ByteBuffer heap = copy[0];
        bytes.get(from, heap.array(), from, to - from);
        heap.clear().limit(to).position(from);
        return heap;
    }

    /** The stream reached end of file (the process closed it): a pending partial line is emitted. */
    public void endOfStream(OutputKind stream) {
        if (pending > 0) {
            readBack();
        }
        long now = clock.getAsLong();
        readAt = now;
        if (console != null) {
            console.time(now, stream);
        }
        of(stream).end(++arrivals, now);
        if (console != null) {
            console.flush();
        }
    }

    /**
     * The last {@code n} complete lines of {@code stream} (at most the spec's tail-lines), oldest
     * first; {@code stream} null: of both streams, in the order their lines ended, the last {@code n}.
     */
    public List<String> tail(OutputKind stream, int n) {
        readBack();
        if (stream != null) {
            return of(stream).tail(n);
        }
        List<Entry> entries = entries(null, n);
        List<String> texts = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            texts.add(entry.text());
        }
        return texts;
    }

    /** A line of the tail: when the chunk that ended it was read (epoch ms), its stream, its text. */
    public record Entry(long time, OutputKind stream, String text) {}

    /** As {@link #tail}, each line with the time it was read and its stream. */
    public List<Entry> entries(OutputKind stream, int n) {
        readBack();
        List<TailBuffer.Line> out = stream == OutputKind.STDERR ? List.of() : stdout.tailLines(n);
        List<TailBuffer.Line> err = stream == OutputKind.STDOUT ? List.of() : stderr.tailLines(n);
        List<Entry> merged = new ArrayList<>(Math.min(n, out.size() + err.size()));
        int i = Math.max(0, out.size() + err.size() - n);
        // Skip the oldest lines beyond n, then merge: both lists are in arrival order already.
        int o = 0;
        int e = 0;
        while (o < out.size() || e < err.size()) {
            boolean fromOut = e >= err.size() || (o < out.size() && out.get(o).seq() <= err.get(e).seq());
            TailBuffer.Line line = fromOut ? out.get(o++) : err.get(e++);
            if (i > 0) {
                i--;
            } else {
                merged.add(new Entry(line.time(), fromOut ? OutputKind.STDOUT : OutputKind.STDERR, line.text()));
            }
        }
        return merged;
    }

    /**
     * As {@link #tail}, as {@code svctl logs} shows the lines: with {@code log.timestamps} each starts
     * with the time it was read, as in the file's records ({@code 2026-12-07T18:56:04.123Z}), and a space.
     */
    public List<String> shownTail(OutputKind stream, int n) {
        if (!timestamps) {
            return tail(stream, n);
        }
        List<Entry> entries = entries(stream, n);
        List<String> shown = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            shown.add(RecordPrefix.format(entry.time()) + " " + entry.text());
        }
        return shown;
    }

    /** As {@link #follow}, each line as {@link #shownTail} shows it. */
    public AutoCloseable followShown(OutputKind stream, Consumer<String> sink) {
        if (!timestamps) {
            return follow(stream, sink);
        }
        // The sink runs on the pump thread, in the accept() that set readAt.
        return follow(stream, line -> sink.accept(RecordPrefix.format(readAt) + " " + line));
    }

    /** Bytes received on {@code stream} (null: on both) since this output was opened, kept across restarts. */
    public long bytes(OutputKind stream) {
        if (stream == null) {
            return stdoutBytes + stderrBytes;
        }
        return stream == OutputKind.STDOUT ? stdoutBytes : stderrBytes;
    }

    /**
     * Calls {@code sink} with every complete line of {@code stream} from now on, until the result
     * is closed. The sink runs on the pump thread: it must not block (hand lines to a queue).
     */
    public AutoCloseable follow(OutputKind stream, Consumer<String> sink) {
        return of(stream).follow(sink);
    }

    // ---- zero copy: splice(2) from the pipe to the file -------------------------------------------

    /**
     * The file the pump may splice the next {@code max} bytes of {@code stream} into; null when they
     * must come through {@link #accept}: with timestamps or console, while someone follows the
     * stream, when they might cross max-size, after a write error. Pump thread.
     */
    public SpliceFile spliceTarget(OutputKind stream, long max) {
        if (of(stream).followed()) {
            return null;
        }
        return file.spliceTarget(max);
    }

    /**
     * {@code bytes} of {@code stream} went into the file by splice, just before its end. Counted,
     * and remembered (where, which stream, when) so the tail can read them back when it is asked
     * for. Pump thread, under the same lock as accept.
     */
    public synchronized void spliced(OutputKind stream, long bytes) {
        long now = clock.getAsLong();
        if (stream == OutputKind.STDOUT) {
            stdoutBytes += bytes;
        } else {
            stderrBytes += bytes;
        }
        splicedBytes += bytes;
        file.spliced(bytes);
        if (segStream == null) {
            growSegments(16); // made at the first splice, small: most services never splice, or rarely
        }
        long seq = ++arrivals;
        int ring = segStream.length;
        int last = (first + pending - 1) % ring;
        if (pending > 0 && segStream[last] == stream.ordinal() && segGeneration[last] == file.generation()
                && segTime[last] == now && segOffset[last] + segLength[last] == file.size() - bytes) {
            segLength[last] += bytes; // the same stream in the same millisecond: one segment
            segSeq[last] = seq;
            return;
        }
        if (pending == ring && ring < SEGMENTS) {
            growSegments(2 * ring);
            ring = segStream.length;
        }
        if (pending == ring) {
            of(OutputKind.values()[segStream[first]]).gap(); // forget the oldest: the tail has a gap
            first = (first + 1) % ring;
            pending--;
        }
        int at = (first + pending) % ring;
        segStream[at] = (byte) stream.ordinal();
        segGeneration[at] = file.generation();
        segOffset[at] = file.size() - bytes;
        segLength[at] = bytes;
        segSeq[at] = seq;
        segTime[at] = now;
        pending++;
    }

    /** Makes the ring of spliced pieces {@code size} long, the pending ones first, in order. */
    private void growSegments(int size) {
        byte[] stream = new byte[size];
        long[] generation = new long[size];
        long[] offset = new long[size];
        long[] length = new long[size];
        long[] seq = new long[size];
        long[] time = new long[size];
        for (int i = 0; i < pending; i++) {
            int from = (first + i) % segStream.length;
            stream[i] = segStream[from];
            generation[i] = segGeneration[from];
            offset[i] = segOffset[from];
            length[i] = segLength[from];
            seq[i] = segSeq[from];
            time[i] = segTime[from];
        }
        segStream = stream;
        segGeneration = generation;
        segOffset = offset;
        segLength = length;
        segSeq = seq;
        segTime = time;
        first = 0;
    }

    /** Bytes that went to the file by splice, never through the JVM; any thread. */
    public long splicedBytes() {
        return splicedBytes;
    }

    /**
     * Feeds the tail with the spliced bytes it has not seen, read back from the file (its current
     * or a rotated one), in arrival order; of each stream only the last {@link #READ_BACK} bytes
     * (an earlier partial line then ends in a gap). Bytes whose file is gone leave a gap.
     */
    private synchronized void readBack() {
        if (pending == 0) {
            return;
        }
        long[] skip = new long[2];
        for (int i = 0; i < pending; i++) {
            int at = (first + i) % segStream.length;
            skip[segStream[at]] += segLength[at];
        }
        skip[0] = Math.max(0, skip[0] - READ_BACK);
        skip[1] = Math.max(0, skip[1] - READ_BACK);
        ByteBuffer buffer = null;
        for (; pending > 0; pending--, first = (first + 1) % segStream.length) {
            int s = segStream[first];
            StreamLines lines = of(OutputKind.values()[s]);
            long offset = segOffset[first];
            long length = segLength[first];
            if (skip[s] > 0) {
                long skipped = Math.min(skip[s], length);
                skip[s] -= skipped;
                offset += skipped;
                length -= skipped;
                lines.gap();
                if (length == 0) {
                    continue;
                }
            }
            if (buffer == null || buffer.capacity() < length) {
                buffer = ByteBuffer.allocate((int) Math.max(length, 64 * 1024));
            }
            buffer.clear().limit((int) length);
            if (readAt(file.path(segGeneration[first]), offset, buffer)) {
                lines.tailOnly(buffer, 0, (int) length, segSeq[first], segTime[first]);
            } else {
                lines.gap();
            }
        }
        first = 0;
    }

    private static boolean readAt(Path path, long offset, ByteBuffer into) {
        if (path == null) {
            return false;
        }
        try (FileChannel read = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (into.hasRemaining()) {
                if (read.read(into, offset + into.position()) < 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes of output lost to write errors on the log file (e.g. a full disk); any thread. */
    public long lostBytes() {
        return file.lostBytes();
    }

    /** The next output goes to a freshly opened {@code NAME.log} (after an outside rotation). Pump thread's lock. */
    public void reopen() {
        readBack();
        file.reopen();
    }

    /** Emits pending partial lines of both streams and closes the file. */
    @Override
    public void close() throws IOException {
        endOfStream(OutputKind.STDOUT);
        endOfStream(OutputKind.STDERR);
        file.close();
    }

    private LineSink consoleLines(OutputKind stream) {
        return console == null ? null : console.lines(stream);
    }

    private StreamLines of(OutputKind stream) {
        return stream == OutputKind.STDOUT ? stdout : stderr;
    }
}
