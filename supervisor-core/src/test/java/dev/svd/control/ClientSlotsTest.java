package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.control.ClientSlots.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 12 ("Lockout"): 32 slow clients held every slot and root got BUSY. */
class ClientSlotsTest {
    private static ClientSlots slots(int max, int perUser, int reserved) {
        return new ClientSlots(ControlLimits.DEFAULT.withClients(max, perUser, reserved, Duration.ofSeconds(30),
                Duration.ofSeconds(10)));
    }

    @Test
    void oneUserCannotTakeMoreThanItsShare() {
        ClientSlots s = slots(32, 3, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(s.take(1000, false)).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(s.take(1000, false)).isEqualTo(Verdict.USER_FULL);
        assertThat(s.take(1001, false)).as("another user").isEqualTo(Verdict.ADMITTED);
        s.release(1000);
        assertThat(s.take(1000, false)).as("a slot given back").isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void strangersNeverTakeTheSlotsKeptForRoot() {
        ClientSlots s = slots(8, 8, 2);
        for (int uid = 1; uid <= 6; uid++) {
            assertThat(s.take(uid, false)).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(s.take(7, false)).isEqualTo(Verdict.FULL);
        assertThat(s.take(-1, false)).as("unknown uid").isEqualTo(Verdict.FULL);
        assertThat(s.take(0, true)).isEqualTo(Verdict.ADMITTED);
        assertThat(s.take(0, true)).isEqualTo(Verdict.ADMITTED);
        assertThat(s.take(0, true)).as("every slot taken").isEqualTo(Verdict.FULL);
        assertThat(s.total()).isEqualTo(8);
    }

    @Test
    void privilegedClientsHaveNoPerUserBound() {
        ClientSlots s = slots(10, 1, 2);
        for (int i = 0; i < 10; i++) {
            assertThat(s.take(0, true)).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(s.take(0, true)).isEqualTo(Verdict.FULL);
    }

    @Test
    void unknownUidsShareOneUserBound() {
        ClientSlots s = slots(32, 2, 4);
        s.take(-1, false);
        s.take(-1, false);
        assertThat(s.take(-1, false)).isEqualTo(Verdict.USER_FULL);
    }
}
