package dev.svd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.svd.cli.UsageException;
import dev.svd.cli.render.Style;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import org.junit.jupiter.api.Test;

/** svctl top's figures from two answers of svd: CPU % over the interval, the order, the table and the JSON. */
class TopFrameTest {
    private static JsonObject answer(long sampledMs, String services) throws Exception {
        return (JsonObject) JsonParser.parse("{\"sampled_ms\":" + sampledMs + ",\"services\":[" + services + "],\"unknown\":[]}");
    }

    private static String service(String name, String state, Long pid, Long cpuMs, Long rss, long restarts, Long uptime) {
        return "{\"name\":\"" + name + "\",\"state\":\"" + state + "\",\"health\":\"unknown\",\"pid\":" + pid
                + ",\"restarts\":" + restarts + ",\"uptime_s\":" + uptime + ",\"started_at\":null,\"cpu_ms\":" + cpuMs
                + ",\"rss_bytes\":" + rss + ",\"processes\":" + (pid == null ? 0 : 2) + "}";
    }

    private static JsonObject one(Long pid, Long cpuMs) throws Exception {
        return (JsonObject) JsonParser.parse(service("web", "running", pid, cpuMs, 4096L, 0, 5L));
    }

    @Test
    void cpuPercentIsTheCpuTimeUsedOverTheIntervalWithOneBusyCpuAt100() throws Exception {
        assertThat(TopFrame.cpuPercent(one(42L, 1000L), one(42L, 1500L), 1000)).isEqualTo(50.0);
        assertThat(TopFrame.cpuPercent(one(42L, 1000L), one(42L, 4000L), 1000)).isEqualTo(300.0);
        assertThat(TopFrame.cpuPercent(one(42L, 1000L), one(42L, 1000L), 2000)).isEqualTo(0.0);
    }

    @Test
    void aGroupWhoseCpuTimeFellCountsNothingNotANegativeFigure() throws Exception {
        // a worker that ended took its CPU time out of the group's sum
        assertThat(TopFrame.cpuPercent(one(42L, 1000L), one(42L, 700L), 1000)).isEqualTo(0.0);
    }

    @Test
    void aNewMainProcessCountsAllItsCpuTimeInTheInterval() throws Exception {
        assertThat(TopFrame.cpuPercent(one(42L, 9000L), one(43L, 200L), 1000)).isEqualTo(20.0);
        assertThat(TopFrame.cpuPercent(one(null, null), one(43L, 300L), 1000)).isEqualTo(30.0);
        assertThat(TopFrame.cpuPercent(null, one(43L, 400L), 1000)).isEqualTo(40.0);
    }

    @Test
    void noProcessOrNoIntervalIsUnknown() throws Exception {
        assertThat(TopFrame.cpuPercent(one(42L, 1000L), one(null, null), 1000)).isNegative();
        assertThat(TopFrame.cpuPercent(one(42L, 1000L), one(42L, 1500L), 0)).isNegative();
    }

    @Test
    void tableSortsByCpuByDefaultAndShowsDashesForWhatIsUnknown() throws Exception {
        JsonObject before = answer(10_000, service("idle", "running", 10L, 50L, 2_000_000L, 0, 60L) + ","
                + service("busy", "running", 11L, 1000L, 512_000L, 3, 61L) + ","
                + service("db", "failed", null, null, null, 5, null));
        JsonObject after = answer(12_000, service("idle", "running", 10L, 50L, 2_000_000L, 0, 62L) + ","
                + service("busy", "running", 11L, 2500L, 512_000L, 3, 63L) + ","
                + service("db", "failed", null, null, null, 5, null));

        TopFrame frame = TopFrame.of(before, after, "cpu");

        assertThat(frame.table(new Style(false))).isEqualTo(
                "NAME  STATE    HEALTH   PID  CPU%  RSS   PROCS  RESTARTS  UPTIME\n"
                + "busy  running  unknown  11   75.0  500K  2      3         1m03s\n"
                + "idle  running  unknown  10   0.0   1.9M  2      0         1m02s\n"
                + "db    failed   unknown  -    -     -     0      5         -\n");
        assertThat(TopFrame.of(before, after, "rss").rows()).extracting(TopFrame.Row::name).containsExactly("idle", "busy", "db");
        assertThat(TopFrame.of(before, after, "name").rows()).extracting(TopFrame.Row::name).containsExactly("busy", "db", "idle");
        assertThat(TopFrame.of(before, after, "restarts").rows()).extracting(TopFrame.Row::name).containsExactly("db", "busy", "idle");
    }

    @Test
    void jsonHasExactlyTheDocumentedMembersInOrder() throws Exception {
        JsonObject before = answer(1000, service("web", "running", 7L, 100L, 8192L, 1, 9L));
        JsonObject after = answer(1500, service("web", "running", 7L, 150L, 8192L, 1, 10L) + ","
                + service("db", "stopped", null, null, null, 0, null));

        assertThat(TopFrame.of(before, after, "cpu").json()).isEqualTo("{\"interval_ms\":500,\"services\":["
                + "{\"name\":\"web\",\"state\":\"running\",\"health\":\"unknown\",\"pid\":7,\"cpu_percent\":10.0,"
                + "\"cpu_ms\":150,\"rss_bytes\":8192,\"processes\":2,\"restarts\":1,\"uptime_s\":10},"
                + "{\"name\":\"db\",\"state\":\"stopped\",\"health\":\"unknown\",\"pid\":null,\"cpu_percent\":null,"
                + "\"cpu_ms\":null,\"rss_bytes\":null,\"processes\":0,\"restarts\":0,\"uptime_s\":null}]}");
    }

    @Test
    void memoryIsShownInBinaryUnits() {
        assertThat(TopFrame.bytes(0)).isEqualTo("0K");
        assertThat(TopFrame.bytes(4096)).isEqualTo("4K");
        assertThat(TopFrame.bytes(12_900_000)).isEqualTo("12.3M");
        assertThat(TopFrame.bytes(3L * 1024 * 1024 * 1024 / 2)).isEqualTo("1.5G");
    }

    @Test
    void intervalTakesSecondsFractionsAndDurationsWithinBounds() throws Exception {
        assertThat(TopCommand.intervalMillis("2")).isEqualTo(2000);
        assertThat(TopCommand.intervalMillis("0.5")).isEqualTo(500);
        assertThat(TopCommand.intervalMillis("250ms")).isEqualTo(250);
        assertThat(TopCommand.intervalMillis("10s")).isEqualTo(10_000);
        for (String bad : new String[] {"0", "0.01", "x", "1.x", "-1", "2h"}) {
            assertThatThrownBy(() -> TopCommand.intervalMillis(bad)).as(bad).isInstanceOf(UsageException.class)
                    .hasMessageContaining("top: -d");
        }
        assertThatThrownBy(() -> TopCommand.sortKey("memory")).isInstanceOf(UsageException.class)
                .hasMessageContaining("cpu, rss, name, restarts, uptime, state");
    }
}
