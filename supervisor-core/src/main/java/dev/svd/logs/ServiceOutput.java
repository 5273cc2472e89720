package dev.svd.logs;

import dev.svd.os.OutputKind;
import dev.svd.config.LogSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.file.attribute.GroupPrincipal;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Everything one service writes to stdout and stderr: unchanged, in arrival order, to
 * {@code logDir/NAME.log} (rotated by size), each complete line to the console prefixed with the
 * service name, the last lines of each stream in memory, and live to followers. See
 * docs/logging.md.
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
        this.file = new RotatingFile(service, logDir.resolve(service + ".log"), spec.maxSize(), spec.keep(), opener,
                remover);
        this.console = spec.console() ? new ConsoleFormatter(service, console) : null;
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
        try {
            // one writer at a time (see the class comment): a plain add to a volatile is safe here
            if (stream == OutputKind.STDOUT) {
                stdoutBytes += to - from;
            } else {
                stderrBytes += to - from;
            }
            file.write(bytes);
            of(stream).accept(bytes, from, to, ++arrivals);
            if (console != null) {
                console.flush();
            }
        } finally {
            bytes.position(to);
        }
    }

    /** The stream reached end of file (the process closed it): a pending partial line is emitted. */
    public void endOfStream(OutputKind stream) {
        of(stream).end(++arrivals);
        if (console != null) {
            console.flush();
        }
    }

    /**
     * The last {@code n} complete lines of {@code stream} (at most the spec's tail-lines), oldest
     * first; {@code stream} null: of both streams, in the order their lines ended, the last {@code n}.
     */
    public List<String> tail(OutputKind stream, int n) {
        if (stream != null) {
            return of(stream).tail(n);
        }
        List<TailBuffer.Line> out = stdout.tailLines(n);
        List<TailBuffer.Line> err = stderr.tailLines(n);
        List<String> merged = new ArrayList<>(Math.min(n, out.size() + err.size()));
        int i = Math.max(0, out.size() + err.size() - n);
        // Skip the oldest lines beyond n, then merge: both lists are in arrival order already.
        int o = 0;
        int e = 0;
        while (o < out.size() || e < err.size()) {
            boolean fromOut = e >= err.size() || (o < out.size() && out.get(o).seq() <= err.get(e).seq());
            String text = fromOut ? out.get(o++).text() : err.get(e++).text();
            if (i > 0) {
                i--;
            } else {
                merged.add(text);
            }
        }
        return merged;
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

    /** Bytes of output lost to write errors on the log file (e.g. a full disk); any thread. */
    public long lostBytes() {
        return file.lostBytes();
    }

    /** The next output goes to a freshly opened {@code NAME.log} (after an outside rotation). Pump thread's lock. */
    public void reopen() {
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
