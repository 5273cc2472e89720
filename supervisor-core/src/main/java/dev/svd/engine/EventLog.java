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
 */
final class EventLog {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final int KEPT = 1000;

    private final ArrayDeque<ServiceEvent> recent = new ArrayDeque<>();
    private final List<Consumer<ServiceEvent>> subscribers = new CopyOnWriteArrayList<>();

    void add(ServiceEvent e) {
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
