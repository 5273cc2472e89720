package dev.svd.engine;

import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/** The engine's pending timers, earliest first. Engine thread only: no locking. */
final class Timers {
    private record Entry(long deadlineNanos, long seq, Runnable action) {}

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.deadlineNanos != b.deadlineNanos
            ? Long.compare(a.deadlineNanos, b.deadlineNanos) : Long.compare(a.seq, b.seq));
    private final LongSupplier nanoTime;
    private long seq;

    /** @param nanoTime the clock deadlines are kept in: System::nanoTime, or a test's fake */
    Timers(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    void schedule(long delayNanos, Runnable action) {
        queue.add(new Entry(nanoTime.getAsLong() + delayNanos, seq++, action));
    }

    /** Nanoseconds until the next timer is due; Long.MAX_VALUE when there is none. */
    long nanosUntilNext() {
        Entry next = queue.peek();
        return next == null ? Long.MAX_VALUE : Math.max(0, next.deadlineNanos - nanoTime.getAsLong());
    }

    /** Runs every timer that is due. */
    void runDue() {
        long now = nanoTime.getAsLong();
        while (!queue.isEmpty() && queue.peek().deadlineNanos - now <= 0) {
            queue.poll().action().run();
        }
    }
}
