package dev.svd.logs;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** Feeds bytes the way NuProcess does: through one reused direct buffer, cleared after each call. */
final class Chunks {
    private final ByteBuffer buffer;

    Chunks(int size) {
        buffer = ByteBuffer.allocateDirect(size);
    }

    /** Hands {@code bytes} to {@code target} in chunks of at most the buffer size, then scribbles over the buffer. */
    void feed(byte[] bytes, Consumer<ByteBuffer> target) {
        int offset = 0;
        while (offset < bytes.length) {
            int length = Math.min(buffer.capacity(), bytes.length - offset);
            buffer.clear();
            buffer.put(bytes, offset, length).flip();
            target.accept(buffer);
            if (buffer.hasRemaining()) {
                throw new AssertionError("the callback left " + buffer.remaining() + " bytes unconsumed");
            }
            buffer.clear();
            while (buffer.hasRemaining()) {
                buffer.put((byte) '#');
            }
            offset += length;
        }
    }
}
