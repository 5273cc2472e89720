package dev.svd.engine;

import java.util.PriorityQueue;

/** The engine's pending timers, earliest first. Engine thread only: no locking. */
final class Timers {
    private record Entry(long deadlineNanos, long seq, Runnable action) {}

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.deadlineNanos != b.deadlineNanos
            ? Long.compare(a.deadlineNanos, b.deadlineNanos) : Long.compare(a.seq, b.seq));
    private long seq;

    void schedule(long delayNanos, Runnable action) {
        queue.add(new Entry(System.nanoTime() + delayNanos, seq++, action));
    }

    /** Nanoseconds until the next timer is due; Long.MAX_VALUE when there is none. */
    long nanosUntilNext() {
        Entry next = queue.peek();
        return next == null ? Long.MAX_VALUE : Math.max(0, next.deadlineNanos - System.nanoTime());
    }

    /** Runs every timer that is due. */
    void runDue() {
        long now = System.nanoTime();
        while (!queue.isEmpty() && queue.peek().deadlineNanos - now <= 0) {
            queue.poll().action().run();
        }
    }
}
