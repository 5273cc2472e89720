package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Fixed-rate slots: no drift, no pile-up, one grid for every probe of the same interval. */
class SlotsTest {
    @Test
    void aQuickProbeIsFollowedByTheNextSlot() {
        assertThat(Slots.next(1000, 100, 1000, 1003)).isEqualTo(1100);
        assertThat(Slots.next(1000, 100, 1500, 1599)).isEqualTo(1600);
    }

    @Test
    void anInstantProbeDoesNotRepeatItsSlot() {
        assertThat(Slots.next(1000, 100, 1000, 1000)).isEqualTo(1100);
    }

    @Test
    void aSlowProbeSkipsToTheFirstSlotAfterItEnds() {
        assertThat(Slots.next(1000, 100, 1000, 1250)).isEqualTo(1300);
        assertThat(Slots.next(1000, 100, 1000, 1300)).isEqualTo(1300);
        assertThat(Slots.next(1000, 100, 1000, 1301)).isEqualTo(1400);
    }

    @Test
    void lateStartsDoNotDrift() {
        long anchor = 7;
        long slot = anchor;
        for (int i = 0; i < 1000; i++) {
            slot = Slots.next(anchor, 10, slot, slot + 3);
        }
        assertThat(slot).isEqualTo(anchor + 1000 * 10);
    }

    /**
     * Two services watched at different moments (as nginx starts a second after gunicorn) run their
     * later probes on the same slots, so that svd wakes once for both; each first probe stays where
     * it was asked for, and the second comes within one interval of it.
     */
    @Test
    void probesOfTheSameIntervalShareTheGridAfterTheirFirst() {
        long interval = 10_000;
        long gunicornFirst = 123_456_789;
        long nginxFirst = gunicornFirst + 1_070;
        long gunicorn = Slots.grid(gunicornFirst, interval);
        long nginx = Slots.grid(nginxFirst, interval);
        assertThat(gunicorn).isLessThanOrEqualTo(gunicornFirst).isGreaterThan(gunicornFirst - interval);
        // the first probe is run as if on the grid slot at or before it: the next is the grid's next
        long gunicornSecond = Slots.next(gunicorn, interval, gunicorn, gunicornFirst + 3);
        long nginxSecond = Slots.next(nginx, interval, nginx, nginxFirst + 3);
        assertThat(gunicornSecond).isEqualTo(nginxSecond).isEqualTo(123_460_000);
        assertThat(gunicornSecond - gunicornFirst).isPositive().isLessThanOrEqualTo(interval);
        // a 5 s probe meets them on every other of its slots
        long health5 = Slots.grid(gunicornFirst + 2_500, interval / 2);
        assertThat((gunicornSecond - health5) % (interval / 2)).isZero();
    }

    @Test
    void theGridHoldsForANegativeClock() {
        // System.nanoTime may be negative: the slot at or before, never after
        assertThat(Slots.grid(-15, 10)).isEqualTo(-20);
        assertThat(Slots.grid(-20, 10)).isEqualTo(-20);
        assertThat(Slots.grid(0, 10)).isZero();
    }
}
