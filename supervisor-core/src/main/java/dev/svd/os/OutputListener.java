package dev.svd.os;

import java.nio.ByteBuffer;

/**
 * Receives a process's stdout/stderr bytes. Called on svd's single pump thread for all
 * services: it must consume the buffer before returning, keep no reference to it, and not block.
 */
public interface OutputListener {
    void output(OutputKind stream, ByteBuffer bytes);

    /** Both pipes reached end of file (every process that held them has ended). */
    default void closed() {}
}
