package dev.svd.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void showsMillisecondsSecondsMinutesAndTenths() {
        assertThat(Durations.human(Duration.ZERO)).isEqualTo("0ms");
        assertThat(Durations.human(Duration.ofMillis(200))).isEqualTo("200ms");
        assertThat(Durations.human(Duration.ofMillis(999))).isEqualTo("999ms");
        assertThat(Durations.human(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(Durations.human(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.human(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.human(Duration.ofHours(1))).isEqualTo("60m");
        assertThat(Durations.human(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.human(Duration.ofMillis(1234))).isEqualTo("1.2s");
    }
}
