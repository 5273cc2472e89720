package dev.svd.logs;

import dev.svd.os.OutputKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one service's console output: each line prefixed {@code "NAME | "} (stdout) or
 * {@code "NAME ! "} (stderr) and ended with a newline, collected in a reused byte buffer that is
 * handed to the {@link ConsoleSink} in large chunks. One thread at a time (the pump thread).
 *
 * <p>The prefix format is a contract: people grep svd's output for it (docs/logging.md).
 */
final class ConsoleFormatter {
    /** Hand the sink what we have once this much is collected. */
    static final int FLUSH_AT = 64 * 1024;

    private final ConsoleSink sink;
    private final LineSink stdout;
    private final LineSink stderr;
    private final int capacity;
    /** The time of the chunk being written and a space, before each prefix; null without console-timestamps. */
    private final byte[] stamp;
    private final RecordPrefix times;
    private byte[] out = new byte[256];
    private int length;

    ConsoleFormatter(String service, ConsoleSink sink) {
        this(service, sink, false);
    }

    /** With {@code timestamps}, each line starts with the time its chunk was read ({@link #time}) and a space. */
    ConsoleFormatter(String service, ConsoleSink sink, boolean timestamps) {
        this.sink = sink;
        this.stamp = timestamps ? new byte[RecordPrefix.TIME_BYTES + 1] : null;
        this.times = timestamps ? new RecordPrefix() : null;
        byte[] stdoutPrefix = (service + " | ").getBytes(StandardCharsets.UTF_8);
        byte[] stderrPrefix = (service + " ! ").getBytes(StandardCharsets.UTF_8);
        this.stdout = (head, headLength, chunk, from, to) -> append(stdoutPrefix, head, headLength, chunk, from, to);
        this.stderr = (head, headLength, chunk, from, to) -> append(stderrPrefix, head, headLength, chunk, from, to);
        this.capacity = FLUSH_AT + RecordPrefix.TIME_BYTES + 1 + Math.max(stdoutPrefix.length, stderrPrefix.length) + LineSplitter.MAX_LINE + 1;
    }

    /** The sink for lines of {@code stream}. */
    LineSink lines(OutputKind stream) {
        return stream == OutputKind.STDOUT ? stdout : stderr;
    }

    /** The lines from now on were read at {@code epochMillis} (shown with console-timestamps). */
    void time(long epochMillis, OutputKind stream) {
        if (stamp != null) {
            System.arraycopy(times.at(epochMillis, stream), 0, stamp, 0, RecordPrefix.TIME_BYTES);
            stamp[RecordPrefix.TIME_BYTES] = ' ';
        }
    }

    /** Hands everything collected so far to the console sink. */
    void flush() {
        if (length > 0) {
            sink.write(out, 0, length);
            length = 0;
        }
    }

    private void append(byte[] prefix, byte[] head, int headLength, ByteBuffer chunk, int from, int to) {
        int needed = (stamp == null ? 0 : stamp.length) + prefix.length + headLength + (to - from) + 1;
        if (length + needed > out.length) {
            makeRoom(needed);
        }
        if (stamp != null) {
            System.arraycopy(stamp, 0, out, length, stamp.length);
            length += stamp.length;
        }
        System.arraycopy(prefix, 0, out, length, prefix.length);
        length += prefix.length;
        System.arraycopy(head, 0, out, length, headLength);
        length += headLength;
        if (chunk.hasArray()) {
            System.arraycopy(chunk.array(), chunk.arrayOffset() + from, out, length, to - from); // no calls deep into the buffer
        } else {
            chunk.get(from, out, length, to - from);
        }
        length += to - from;
        out[length++] = '\n';
        if (length >= FLUSH_AT) {
            flush();
        }
    }

    /** Grows the buffer (a quiet service keeps a small one) or flushes it once it is full size. */
    private void makeRoom(int needed) {
        if (out.length < capacity) {
            out = Arrays.copyOf(out, Math.min(capacity, Math.max(out.length * 2, length + needed)));
        }
        if (length + needed > out.length) {
            flush();
        }
    }
}
