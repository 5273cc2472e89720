package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.lifecycle.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A liveness probe's start period, Docker's HEALTHCHECK semantics: failures before the first pass
 * do not count until the period has run out; after a pass, or after the period, every failure
 * counts. Each row is a process started at T0 with a 10s start period, thresholds 1 (success) and
 * 3 (failure), fed results at the given seconds after T0.
 */
class StartPeriodTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration START_PERIOD = Duration.ofSeconds(10);

    /** A result {@code ok} at {@code second} after the process started. */
    private record Result(double second, boolean ok) {}

    private record Row(String name, List<Result> results, Health expected, int unhealthyAtIndex) {}

    private static Result pass(double s) {
        return new Result(s, true);
    }

    private static Result fail(double s) {
        return new Result(s, false);
    }

    private static final List<Row> ROWS = List.of(
            new Row("failures within the period before any pass do not count",
                    List.of(fail(0.1), fail(0.2), fail(0.3), fail(5), fail(9.9)), Health.UNKNOWN, -1),
            new Row("a slow starter passes late in the period and is healthy",
                    List.of(fail(0.1), fail(0.2), fail(0.3), fail(4), pass(8)), Health.HEALTHY, -1),
            new Row("after the period every failure counts: the third one makes it unhealthy",
                    List.of(fail(0.1), fail(5), fail(10), fail(10.1), fail(10.2)), Health.UNHEALTHY, 4),
            new Row("a failure exactly at the end of the period counts",
                    List.of(fail(9.9), fail(10), fail(11), fail(12)), Health.UNHEALTHY, 3),
            new Row("after the first pass, failures within the period count",
                    List.of(pass(0.5), fail(1), fail(2), fail(3)), Health.UNHEALTHY, 3),
            new Row("ignored failures do not add to the ones after the period",
                    List.of(fail(1), fail(2), fail(3), fail(10.5), fail(11)), Health.UNKNOWN, -1));

    @Test
    void failuresCountOnlyAfterTheFirstPassOrTheStartPeriod() {
        for (Row row : ROWS) {
            ProbeCounter c = new ProbeCounter(1, 3, T0.plus(START_PERIOD));
            int unhealthyAt = -1;
            for (int i = 0; i < row.results().size(); i++) {
                Result r = row.results().get(i);
                Instant at = T0.plusMillis(Math.round(r.second() * 1000));
                if (c.record(r.ok(), at).equals(Optional.of(Health.UNHEALTHY))) {
                    unhealthyAt = i;
                }
            }
            assertThat(c.health()).as(row.name()).isEqualTo(row.expected());
            assertThat(unhealthyAt).as(row.name() + ": index of the result that made it unhealthy")
                    .isEqualTo(row.unhealthyAtIndex());
        }
    }

    @Test
    void withoutAStartPeriodTheFirstFailuresCount() {
        ProbeCounter c = new ProbeCounter(1, 3, T0);
        c.record(false, T0);
        c.record(false, T0.plusMillis(100));
        assertThat(c.record(false, T0.plusMillis(200))).contains(Health.UNHEALTHY);
    }

    @Test
    void readinessCountersCountEveryFailure() {
        ProbeCounter c = new ProbeCounter(1, 1);
        assertThat(c.record(false, Instant.MIN.plusSeconds(1))).contains(Health.UNHEALTHY);
    }
}
