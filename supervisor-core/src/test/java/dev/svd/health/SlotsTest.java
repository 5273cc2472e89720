package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Fixed-rate slots: no drift, no pile-up. */
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
}
