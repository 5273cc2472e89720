package dev.svd.control;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One descriptor (/dev/null) held in reserve, so that a server out of descriptors can still take a
 * waiting client off the listen queue to tell it why it is refused: release, accept, answer, close,
 * reopen. The accept thread only (and close, once accepting stopped).
 */
final class SpareDescriptor {
    private FileChannel held;

    /** Frees the descriptor; false when none was held (it could not be reopened since the last release). */
    synchronized boolean release() {
        if (held == null) {
            return false;
        }
        try {
            held.close();
        } catch (IOException e) {
            // close(2) frees the descriptor even when it reports an error
        }
        held = null;
        return true;
    }

    /** Takes the descriptor again if it is not held; stays without one while none is free. */
    synchronized void reopen() {
        if (held != null) {
            return;
        }
        try {
            held = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ);
        } catch (IOException e) {
            held = null; // still out of descriptors: tried again after the next accept
        }
    }
}
