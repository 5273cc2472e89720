package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.lifecycle.Health;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Thresholds turn results into health changes, and only changes are reported. */
class ProbeCounterTest {
    private static List<Optional<Health>> feed(ProbeCounter c, boolean... results) {
        List<Optional<Health>> changes = new ArrayList<>();
        for (boolean ok : results) {
            changes.add(c.record(ok));
        }
        return changes;
    }

    @Test
    void unknownUntilAThresholdIsReached() {
        ProbeCounter c = new ProbeCounter(2, 3);
        assertThat(feed(c, true, false, false)).containsOnly(Optional.empty());
        assertThat(c.health()).isEqualTo(Health.UNKNOWN);
        assertThat(c.failuresInARow()).isEqualTo(2);
    }

    @Test
    void failureThresholdFailuresInARowMakeUnhealthyOnce() {
        ProbeCounter c = new ProbeCounter(1, 3);
        assertThat(feed(c, true, false, false, false, false)).containsExactly(Optional.of(Health.HEALTHY),
                Optional.empty(), Optional.empty(), Optional.of(Health.UNHEALTHY), Optional.empty());
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        ProbeCounter c = new ProbeCounter(1, 2);
        feed(c, true, false, true, false);
        assertThat(c.health()).isEqualTo(Health.HEALTHY);
        assertThat(c.record(false)).contains(Health.UNHEALTHY);
    }

    @Test
    void successThresholdPassesInARowRecover() {
        ProbeCounter c = new ProbeCounter(2, 1);
        assertThat(feed(c, false, true, false, true, true)).containsExactly(Optional.of(Health.UNHEALTHY),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Health.HEALTHY));
    }

    @Test
    void resetForgetsEverything() {
        ProbeCounter c = new ProbeCounter(1, 1);
        c.record(false);
        c.reset();
        assertThat(c.health()).isEqualTo(Health.UNKNOWN);
        assertThat(c.failuresInARow()).isZero();
        assertThat(c.record(true)).contains(Health.HEALTHY);
    }
}
