package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LogTimesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T18:56:04.123Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static Instant parse(String s) {
        return LogTimes.parse(s, NOW, PARIS);
    }

    @Test
    void relativeTimesAreAgo() {
        assertThat(parse("10m")).isEqualTo(NOW.minusSeconds(600));
        assertThat(parse("2h")).isEqualTo(NOW.minusSeconds(7200));
        assertThat(parse("1d")).isEqualTo(NOW.minusSeconds(86_400));
        assertThat(parse("1h30m")).isEqualTo(NOW.minusSeconds(5400));
        assertThat(parse("500ms")).isEqualTo(NOW.minusMillis(500));
        assertThat(parse("now")).isEqualTo(NOW);
    }

    @Test
    void todayAndYesterdayAreMidnightInSvdsZone() {
        assertThat(parse("today")).isEqualTo(Instant.parse("2026-12-06T23:00:00Z"));
        assertThat(parse("yesterday")).isEqualTo(Instant.parse("2026-12-05T23:00:00Z"));
    }

    @Test
    void timesWithAZoneAreThatInstantAndWithoutOneAreSvdsLocalTime() {
        assertThat(parse("2026-12-07T18:00:00Z")).isEqualTo(Instant.parse("2026-12-07T18:00:00Z"));
        assertThat(parse("2026-12-07T19:00:00.5+01:00")).isEqualTo(Instant.parse("2026-12-07T18:00:00.500Z"));
        assertThat(parse("2026-12-07T19:00")).isEqualTo(Instant.parse("2026-12-07T18:00:00Z"));
        assertThat(parse("2026-12-07 19:00:30")).isEqualTo(Instant.parse("2026-12-07T18:00:30Z"));
        assertThat(parse("2026-12-07")).isEqualTo(Instant.parse("2026-12-06T23:00:00Z"));
        assertThat(parse("19:00")).isEqualTo(Instant.parse("2026-12-07T18:00:00Z"));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsThatWork() {
        for (String bad : new String[] {"", "10", "10x", "m10", "2026-12-32", "yesterday 10:00", "-10m", "10 m"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("10m").hasMessageContaining("(was \"" + bad + "\")");
        }
    }
}
