package dev.svd.schedule;

import dev.svd.os.OutputKind;
import dev.svd.logs.RecordEncoder;
import dev.svd.os.OutputListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import dev.svd.os.SafePaths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output of one run: appended to {@code log-dir/job-NAME.log} between a header and a footer line,
 * and its last lines kept for the run's result. Output arrives on svd's pump thread (or a Java
 * task's own), header and footer on the job thread; every method is synchronized and short.
 */
final class RunOutput implements OutputListener {
    private static final Logger log = LoggerFactory.getLogger(RunOutput.class);
    /** A line longer than this is cut in the tail (not in the file). */
    private static final int MAX_LINE = 1000;

    private final String job;
    private final Path file;
    private final int tailLines;
    private final Deque<String> tail = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private FileChannel channel;
    private boolean writeFailed;

    private final GroupPrincipal group;
    private final RecordEncoder records = new RecordEncoder();
    private final LongSupplier clock;

    RunOutput(String job, Path file, int tailLines) {
        this(job, file, tailLines, null);
    }

    /** @param group of a new file (the control's read-only group); null: svd's own */
    RunOutput(String job, Path file, int tailLines, GroupPrincipal group) {
        this(job, file, tailLines, group, System::currentTimeMillis);
    }

    /** @param clock the time a chunk is read, epoch milliseconds */
    RunOutput(String job, Path file, int tailLines, GroupPrincipal group, LongSupplier clock) {
        this.clock = clock;
        this.job = job;
        this.file = file;
        this.tailLines = tailLines;
        this.group = group;
    }

    /** Opens the file for appending and writes {@code header}; a file that cannot be opened is logged once, the run goes on. */
    synchronized void open(String header) {
        try {
            if (!Files.isDirectory(file.getParent())) {
                SafePaths.ensureDirectory(file.getParent(), "svd.log-dir", SafePaths.PRIVATE_DIRECTORY, group);
            }
            // Never through a link, 0640, like the services' logs (docs/logging.md, issue 12).
            channel = SafePaths.openAppend(file, SafePaths.PRIVATE_FILE, group);
        } catch (IOException e) {
            failed(e);
        }
        write(ByteBuffer.wrap((header + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public synchronized void output(OutputKind stream, ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        // Each line a record with the time it was read and its stream, like a service's NAME.log
        // (docs/logging.md, "Records"); the header and footer lines stay lines of their own.
        write(records.encode(stream, bytes, clock.getAsLong()));
        byte[] chunk = new byte[copy.remaining()];
        copy.get(chunk);
        // A multi-byte character split across chunks shows as U+FFFD in the tail; the file keeps the bytes.
        for (char c : new String(chunk, StandardCharsets.UTF_8).toCharArray()) {
            if (c == '\n') {
                endLine();
            } else if (partial.length() < MAX_LINE) {
                partial.append(c);
            }
        }
    }

    /** Writes {@code footer} and closes the file (an unterminated last line is a P record already). */
    synchronized void close(String footer) {
        if (partial.length() > 0) {
            endLine();
        }
        write(ByteBuffer.wrap((footer + "\n").getBytes(StandardCharsets.UTF_8)));
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                failed(e);
            }
            channel = null;
        }
    }

    /** The last lines of output, oldest first. */
    synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    private void endLine() {
        tail.addLast(partial.toString());
        partial.setLength(0);
        while (tail.size() > tailLines) {
            tail.removeFirst();
        }
    }

    private void write(ByteBuffer bytes) {
        if (channel == null) {
            return;
        }
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        if (!writeFailed) {
            writeFailed = true;
            log.warn("job {}: cannot write its output to {}: {}", job, file, e.toString());
        }
    }
}
