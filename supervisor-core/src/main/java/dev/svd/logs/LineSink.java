package dev.svd.logs;

import java.nio.ByteBuffer;

/** Receives the lines a {@link LineSplitter} finds; called on the thread that calls the splitter. */
interface LineSink {
    /**
     * One line without its newline: {@code head[0, headLength)} (bytes held from earlier chunks)
     * followed by {@code chunk[from, to)}. Neither array nor buffer may be kept after returning.
     */
    void line(byte[] head, int headLength, ByteBuffer chunk, int from, int to);
}
