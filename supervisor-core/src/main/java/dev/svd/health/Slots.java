package dev.svd.health;

/**
 * The fixed-rate schedule of one probe: slots at {@code anchor + k * interval}. A probe starts on a
 * slot; the next starts on the first slot after both the one it started on and its end, so a slow
 * probe skips slots instead of piling up, and the schedule never drifts. Pure.
 */
final class Slots {
    private Slots() {
    }

    /** All values are nanoseconds on one monotonic clock; {@code interval > 0}. */
    static long next(long anchor, long interval, long startedSlot, long endedAt) {
        long after = startedSlot + interval;
        if (endedAt <= after) {
            return after;
        }
        long k = (endedAt - anchor + interval - 1) / interval;
        return anchor + k * interval;
    }
}
