package dev.svd.health;

/**
 * The fixed-rate schedule of one probe: slots at {@code anchor + k * interval}. A probe starts on a
 * slot; the next starts on the first slot after both the one it started on and its end, so a slow
 * probe skips slots instead of piling up, and the schedule never drifts. Pure.
 */
final class Slots {
    private Slots() {
    }

    /**
     * The slot of the shared grid (multiples of {@code interval} on the monotonic clock) at or before
     * {@code at}: the anchor of a probe whose first run is at {@code at}. Every probe with the same
     * interval (and those whose interval divides it) then runs on the same slots, so that svd wakes
     * once for all of them instead of once each (docs/health.md, "Timing"); the first run stays at
     * {@code at}, the second comes on the next slot of the grid.
     */
    static long grid(long at, long interval) {
        return at - Math.floorMod(at, interval);
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
