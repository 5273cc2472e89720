package dev.svd.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the lines of {@link LogFiles} forward, from a byte offset to another. A line ends at its
 * newline or at the end of its file. Keeps at most {@code maxKept} bytes of each line (the rest is
 * read, skipped and counted in {@link #length}), so a line of any length costs bounded memory. Used by
 * one thread.
 */
final class LineCursor {
    private static final int BUFFER = 64 * 1024;

    private final LogFiles files;
    private final long to;
    private final int maxKept;
    private final ByteBuffer buffer;
    /** The offset of the buffer's first byte. */
    private long bufferAt;
    private long position;

    private byte[] line = new byte[256];
    private int kept;
    private long length;
    private long lineStart;

    /**
     * Lines starting in {@code [from, to)}; when {@code from} is inside a line, the rest of that line is
     * skipped.
     */
    LineCursor(LogFiles files, long from, long to, int maxKept, int bufferSize) throws IOException {
        this.files = files;
        this.to = Math.min(to, files.total());
        this.maxKept = maxKept;
        this.buffer = ByteBuffer.allocate(bufferSize);
        buffer.limit(0);
        this.position = from;
        this.bufferAt = from;
        if (from > 0 && from < this.to && !startsLine(from)) {
            next();
        }
    }

    LineCursor(LogFiles files, long from, long to, int maxKept) throws IOException {
        this(files, from, to, maxKept, BUFFER);
    }

    private boolean startsLine(long offset) throws IOException {
        int file = files.fileAt(offset);
        if (files.start(file) == offset) {
            return true;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        files.read(offset - 1, one);
        return one.position() == 1 && one.get(0) == '\n';
    }

    /** Moves to the next line; false when none starts before the end. */
    boolean next() throws IOException {
        if (position >= to) {
            return false;
        }
        lineStart = position;
        kept = 0;
        length = 0;
        int file = files.fileAt(position);
        long fileEnd = files.end(file);
        while (position < fileEnd) {
            if (!buffer.hasRemaining()) {
                buffer.clear();
                bufferAt = position;
                if (files.read(position, buffer) <= 0) {
                    buffer.limit(0);
                    break; // the file shrank under us (truncated by hand): end the line here
                }
                buffer.flip();
            }
            byte[] a = buffer.array();
            int from = buffer.position();
            int end = buffer.limit();
            int newline = from;
            while (newline < end && a[newline] != '\n') {
                newline++;
            }
            keep(a, from, newline);
            position += newline - from;
            if (newline < end) {
                buffer.position(newline + 1);
                position++;
                return true;
            }
            buffer.position(end);
        }
        if (position < fileEnd) {
            position = fileEnd;
        }
        return true;
    }

    private void keep(byte[] a, int from, int to) {
        int n = to - from;
        length += n;
        int room = Math.min(n, maxKept - kept);
        if (room > 0) {
            if (kept + room > line.length) {
                line = Arrays.copyOf(line, Math.min(maxKept, Math.max(kept + room, line.length * 2)));
            }
            System.arraycopy(a, from, line, kept, room);
            kept += room;
        }
    }

    /** The kept bytes of the current line: {@code bytes()[0, kept())}. */
    byte[] bytes() {
        return line;
    }

    int kept() {
        return kept;
    }

    /** The line's whole length without its newline. */
    long length() {
        return length;
    }

    /** The offset of the line's first byte. */
    long lineStart() {
        return lineStart;
    }

    /** The offset just after the current line (its newline included). */
    long position() {
        return position;
    }
}
