package dev.svd.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent state changes, and their subscribers. Written on the engine thread; read from any.
 * Subscribers are called on the engine thread and must hand the event off without blocking.
 * Publish, then announce: {@link #add} first publishes the engine's snapshots, which already show the
 * change, so a subscriber reading them (or {@link #recent}) from its callback sees the state the event
 * announces; nobody has to wait for the snapshot to catch up.
 */
final class EventLog {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final int KEPT = 1000;

    private final ArrayDeque<ServiceEvent> recent = new ArrayDeque<>();
    private final List<Consumer<ServiceEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final Runnable publish;

    /** @param publish makes the engine's current snapshots the published ones; run before each event goes out */
    EventLog(Runnable publish) {
        this.publish = publish;
    }

    /** Records {@code e}, a change already made to the engine's snapshots: publishes them, then tells the subscribers. */
    void add(ServiceEvent e) {
        publish.run();
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(e);
        }
        for (Consumer<ServiceEvent> s : subscribers) {
            try {
                s.accept(e);
            } catch (RuntimeException ex) {
                log.warn("event subscriber failed; unsubscribing it", ex);
                subscribers.remove(s);
            }
        }
    }

    List<ServiceEvent> recent(int limit) {
        synchronized (recent) {
            List<ServiceEvent> all = new ArrayList<>(recent);
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }
    }

    AutoCloseable subscribe(Consumer<ServiceEvent> sink) {
        subscribers.add(sink);
        return () -> subscribers.remove(sink);
    }
}
