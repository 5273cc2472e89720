package dev.svd.logs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whoever follows one stream live ({@code svctl logs -f}). Lines are delivered on the pump
 * thread; followers are added and removed from any thread. When nobody follows, the pump pays
 * one volatile read ({@link #active}).
 */
final class Followers implements LineSink {
    private static final Logger log = LoggerFactory.getLogger(Followers.class);

    private final String service;
    private final List<Consumer<String>> sinks = new CopyOnWriteArrayList<>();

    Followers(String service) {
        this.service = service;
    }

    boolean active() {
        return !sinks.isEmpty();
    }

    /** Adds {@code sink}; closing the result removes it. */
    AutoCloseable add(Consumer<String> sink) {
        sinks.add(sink);
        return () -> sinks.remove(sink);
    }

    @Override
    public void line(byte[] head, int headLength, ByteBuffer chunk, int from, int to) {
        byte[] bytes = new byte[headLength + to - from];
        System.arraycopy(head, 0, bytes, 0, headLength);
        chunk.get(from, bytes, headLength, to - from);
        String line = new String(bytes, StandardCharsets.UTF_8);
        for (Consumer<String> sink : sinks) {
            try {
                sink.accept(line);
            } catch (RuntimeException e) {
                // A broken follower must not stop the pump or the other followers: drop it, say so.
                sinks.remove(sink);
                log.warn("{}: dropped a log follower that failed", service, e);
            }
        }
    }
}
