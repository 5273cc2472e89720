package dev.svd.logs;

/**
 * Where the prefixed lines of all services go (svd's own stdout, the container convention).
 * Called from the pump thread; an implementation must accept calls from several
 * threads and write each call whole, so lines of different services never interleave mid-line.
 */
public interface ConsoleSink {
    /** Writes {@code bytes[offset, offset + length)}, which holds whole prefixed lines; must not keep the array. */
    void write(byte[] bytes, int offset, int length);
}
