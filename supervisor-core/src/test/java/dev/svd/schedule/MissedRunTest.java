package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.cron.Crontab;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A persistent job's missed run: the first scheduled time after its last run, if it has passed. */
class MissedRunTest {
    private static CronSchedule cron(String crontab, String zone) {
        return new CronSchedule(Crontab.parse(crontab).quartz(), ZoneId.of(zone));
    }

    @Test
    void aTimeThatPassedWhileDownIsMissed() throws Exception {
        assertThat(MissedRuns.missedFire(cron("0 3,15 * * *", "UTC"), Instant.parse("2026-11-24T15:00:07Z"),
                Instant.parse("2026-11-25T09:00:00Z"))).contains(Instant.parse("2026-11-25T03:00:00Z"));
    }

    @Test
    void nothingIsMissedBeforeTheNextTime() throws Exception {
        assertThat(MissedRuns.missedFire(cron("0 3,15 * * *", "UTC"), Instant.parse("2026-11-25T03:20:00Z"),
                Instant.parse("2026-11-25T14:59:59Z"))).isEmpty();
    }

    @Test
    void theNextTimeItselfCountsAsPassed() throws Exception {
        assertThat(MissedRuns.missedFire(cron("@daily", "UTC"), Instant.parse("2026-11-24T00:00:01Z"),
                Instant.parse("2026-11-25T00:00:00Z"))).contains(Instant.parse("2026-11-25T00:00:00Z"));
    }

    @Test
    void manyMissedTimesGiveOneRunAtTheFirst() throws Exception {
        assertThat(MissedRuns.missedFire(cron("@hourly", "UTC"), Instant.parse("2026-11-20T10:30:00Z"),
                Instant.parse("2026-11-25T09:00:00Z"))).isEqualTo(Optional.of(Instant.parse("2026-11-20T11:00:00Z")));
    }

    @Test
    void theScheduleIsReadInSvdsTimeZone() throws Exception {
        // 03:00 in Berlin is 02:00 UTC in winter: at 02:30 UTC it has passed, in UTC it has not.
        Instant last = Instant.parse("2026-11-24T12:00:00Z");
        Instant now = Instant.parse("2026-11-25T02:30:00Z");
        assertThat(MissedRuns.missedFire(cron("0 3 * * *", "Europe/Berlin"), last, now))
                .contains(Instant.parse("2026-11-25T02:00:00Z"));
        assertThat(MissedRuns.missedFire(cron("0 3 * * *", "UTC"), last, now)).isEmpty();
    }

    @Test
    void aMissedRunWaitsItsDrawOfTheSmallerOfRandomDelayAndTheCap() {
        assertThat(MissedRuns.delay(Duration.ofHours(1), Duration.ofMinutes(1), 0.5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(MissedRuns.delay(Duration.ofSeconds(20), Duration.ofMinutes(1), 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(MissedRuns.delay(Duration.ofHours(1), Duration.ZERO, 0.99)).isZero();
    }
}
