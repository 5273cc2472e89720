package dev.svd.schedule;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * The job thread's pending timers (random delays, missed-run delays, timeouts, the stop grace),
 * earliest first; the job thread sleeps in its inbox until the first is due, so nothing polls and
 * no other thread keeps time for it. {@code nanos} is the monotonic clock ({@link System#nanoTime}
 * in svd, a counter in tests). Job thread only: no locking.
 */
final class Timers {
    private record Entry(long deadlineNanos, long seq, Runnable action) {}

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.deadlineNanos != b.deadlineNanos
            ? Long.compare(a.deadlineNanos, b.deadlineNanos) : Long.compare(a.seq, b.seq));
    private final LongSupplier nanos;
    private long seq;

    Timers(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Runs {@code action} on the job thread once {@code delay} has passed. */
    void arm(Duration delay, Runnable action) {
        queue.add(new Entry(nanos.getAsLong() + delay.toNanos(), seq++, action));
    }

    /** Nanoseconds until the next timer is due; Long.MAX_VALUE when there is none. */
    long nanosUntilNext() {
        Entry next = queue.peek();
        return next == null ? Long.MAX_VALUE : Math.max(0, next.deadlineNanos - nanos.getAsLong());
    }

    /** Runs every timer that is due, in deadline order. */
    void runDue() {
        long now = nanos.getAsLong();
        while (!queue.isEmpty() && queue.peek().deadlineNanos - now <= 0) {
            queue.poll().action().run();
        }
    }

    int pending() {
        return queue.size();
    }
}
