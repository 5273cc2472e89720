package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RenewalBackoffTest {
    @Test
    void failuresBackOffInHoursDoublingUpToTwelve() {
        assertThat(RenewalBackoff.after(1)).isEqualTo(Duration.ofHours(1));
        assertThat(RenewalBackoff.after(2)).isEqualTo(Duration.ofHours(2));
        assertThat(RenewalBackoff.after(3)).isEqualTo(Duration.ofHours(4));
        assertThat(RenewalBackoff.after(4)).isEqualTo(Duration.ofHours(8));
        assertThat(RenewalBackoff.after(5)).isEqualTo(Duration.ofHours(12));
        assertThat(RenewalBackoff.after(500)).isEqualTo(Duration.ofHours(12));
    }
}
