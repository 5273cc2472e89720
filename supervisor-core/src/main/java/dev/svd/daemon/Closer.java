package dev.svd.daemon;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the wiring has built so far, to shut down if starting fails half way: each part is
 * registered as it is built and closed in reverse order, so nothing is closed before what was
 * built on top of it. A failing close does not stop the others.
 */
final class Closer {
    private final Deque<AutoCloseable> built = new ArrayDeque<>();

    /** Registers {@code part} (just built) and returns it. */
    <T extends AutoCloseable> T register(T part) {
        built.push(part);
        return part;
    }

    /**
     * Closes every registered part, the last built first, and returns {@code cause} (why starting
     * failed) with each close's exception added to it as suppressed.
     */
    <E extends Throwable> E closeAfter(E cause) {
        while (!built.isEmpty()) {
            try {
                built.pop().close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
        return cause;
    }
}
