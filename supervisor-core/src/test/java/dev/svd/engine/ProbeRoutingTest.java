package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The "at HH:mm:ss" of a probe result (svctl.md, {@code probe}), written by hand on every result: the same
 * text as DateTimeFormatter's "HH:mm:ss" in the zone, for any instant, in zones with odd offsets and
 * daylight saving time.
 */
class ProbeRoutingTest {
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu",
            "Pacific/Chatham", "America/Los_Angeles", "Australia/Lord_Howe", "Africa/Monrovia");

    @Test
    void theClockOfAResultIsDateTimeFormattersHourMinuteSecond() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (String id : ZONES) {
            ZoneId zone = ZoneId.of(id);
            DateTimeFormatter expected = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
            for (int i = 0; i < 2_000; i++) {
                // 1900..2100, with nanos: before 1970 the epoch second is negative
                Instant at = Instant.ofEpochSecond(-2_208_988_800L + (long) (random.nextDouble() * 6_311_433_600L),
                        random.nextInt(1_000_000_000));
                assertThat(ProbeRouting.clock(at, zone.getRules()))
                        .as("%s in %s (seed %d)", at, id, seed)
                        .isEqualTo(expected.format(at));
            }
        }
    }

    @Test
    void aDaylightSavingChangeIsFollowed() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2026-03-29 01:59:59 UTC is 03:59:59 CEST; a second before the change, 01:59:59 CET became 03:00:00 CEST
        assertThat(ProbeRouting.clock(Instant.parse("2026-03-29T00:59:59Z"), berlin.getRules())).isEqualTo("01:59:59");
        assertThat(ProbeRouting.clock(Instant.parse("2026-03-29T01:00:00Z"), berlin.getRules())).isEqualTo("03:00:00");
        assertThat(ProbeRouting.clock(Instant.parse("2026-12-08T23:59:59.999Z"), ZoneId.of("UTC").getRules()))
                .isEqualTo("23:59:59");
    }
}
