package dev.svd.cli.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * svd's answer lines, read from the socket as bytes up to each {@code \n} and decoded as UTF-8 once per
 * line (malformed bytes become U+FFFD, as a decoding reader's would). In place of a
 * {@code BufferedReader} over an {@code InputStreamReader}, which decodes into chars, scans them and
 * copies them back into a string: svctl is a fresh JVM on every run, and at 2,000 services those
 * passes over a reply ran mostly in the interpreter (docs/benchmarks.md, "Scale"). Single-threaded.
 */
final class LineInput {
    private final ReadableByteChannel channel;
    private byte[] buffer = new byte[16 * 1024];
    /** The first byte not yet returned. */
    private int start;
    /** The end of the bytes read. */
    private int end;

    LineInput(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /**
     * The next line without its {@code \n} (nor a {@code \r} before it); at the end of input the
     * bytes after the last newline, if any, then null.
     */
    String readLine() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    String line = decode(start, i > start && buffer[i - 1] == '\r' ? i - 1 : i);
                    start = i + 1;
                    return line;
                }
            }
            scanned = end;
            if (end == buffer.length) {
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    scanned -= start;
                    end -= start;
                    start = 0;
                } else {
                    buffer = Arrays.copyOf(buffer, 2 * buffer.length);
                }
            }
            int n = channel.read(ByteBuffer.wrap(buffer, end, buffer.length - end));
            if (n < 0) {
                if (end == start) {
                    return null;
                }
                String line = decode(start, end);
                start = end;
                return line;
            }
            end += n;
        }
    }

    private String decode(int from, int to) {
        return new String(buffer, from, to - from, StandardCharsets.UTF_8);
    }
}
