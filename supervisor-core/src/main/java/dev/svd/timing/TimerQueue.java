package dev.svd.timing;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * An owner thread's pending timers, earliest first (ties in the order they were set): the engine's
 * and the job thread's. The thread sleeps in its inbox for {@link #nanosUntilNext()} and then calls
 * {@link #runDue()}, so nothing polls and no other thread keeps time for it. Owner thread only: no
 * locking.
 */
public final class TimerQueue {
    private record Entry(long deadlineNanos, long seq, Runnable action) {}

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.deadlineNanos != b.deadlineNanos
            ? Long.compare(a.deadlineNanos, b.deadlineNanos) : Long.compare(a.seq, b.seq));
    private final LongSupplier nanoTime;
    private long seq;

    /** @param nanoTime the monotonic clock deadlines are kept in: System::nanoTime, or a test's fake */
    public TimerQueue(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Runs {@code action} on the owner thread once {@code delayNanos} have passed. */
    public void schedule(long delayNanos, Runnable action) {
        queue.add(new Entry(nanoTime.getAsLong() + delayNanos, seq++, action));
    }

    /** Runs {@code action} on the owner thread once {@code delay} has passed. */
    public void arm(Duration delay, Runnable action) {
        schedule(delay.toNanos(), action);
    }

    /** Nanoseconds until the next timer is due; Long.MAX_VALUE when there is none. */
    public long nanosUntilNext() {
        Entry next = queue.peek();
        return next == null ? Long.MAX_VALUE : Math.max(0, next.deadlineNanos - nanoTime.getAsLong());
    }

    /** Runs every timer that is due, in deadline order. */
    public void runDue() {
        long now = nanoTime.getAsLong();
        while (!queue.isEmpty() && queue.peek().deadlineNanos - now <= 0) {
            queue.poll().action().run();
        }
    }

    public int pending() {
        return queue.size();
    }
}
