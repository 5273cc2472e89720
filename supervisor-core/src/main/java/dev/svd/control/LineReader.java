package dev.svd.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a channel's bytes into newline-terminated lines of at most {@code maxBytes}, decoding
 * strict UTF-8. Never holds more than {@code maxBytes} plus one read buffer. One connection thread.
 */
final class LineReader {
    /** The line exceeded the limit; the stream cannot be resynchronised, so the caller closes. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private final ReadableByteChannel channel;
    private final int maxBytes;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineReader(ReadableByteChannel channel, int maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
        buffer.flip(); // empty, ready to be read from
    }

    /** The bytes of the next line without its newline (a trailing CR is dropped too); null at end of stream. */
    byte[] readLine() throws IOException {
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    int n = bytes.length;
                    if (n > 0 && bytes[n - 1] == '\r') {
                        byte[] trimmed = new byte[n - 1];
                        System.arraycopy(bytes, 0, trimmed, 0, n - 1);
                        return trimmed;
                    }
                    return bytes;
                }
                if (line.size() >= maxBytes) {
                    throw new TooLargeException("request line longer than " + maxBytes + " bytes");
                }
                line.write(b);
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                if (line.size() > 0) {
                    line.reset();
                    throw new java.io.EOFException("connection closed in the middle of a request line");
                }
                return null;
            }
        }
    }

    /** Strict UTF-8; malformed input is the client's error. */
    static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
