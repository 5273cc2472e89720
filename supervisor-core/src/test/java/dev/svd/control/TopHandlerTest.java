package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.os.ProcFs;
import dev.svd.os.ProcessUsage;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire form of top (docs/protocol.md): snapshots with each service's usage by its main pid, and the sample time. */
class TopHandlerTest {
    private final FakeSupervisorControl engine = new FakeSupervisorControl();
    private final List<Map<String, Integer>> asked = new ArrayList<>();
    private final TopHandler handler = new TopHandler(engine, Clock.fixed(FakeSupervisorControl.NOW, ZoneOffset.UTC),
            () -> 77_000, mainPids -> {
                asked.add(mainPids);
                return Map.of(4242, new ProcessUsage.Sample(new ProcFs.Usage(12.34, 8192), 3));
            });

    @Test
    void eachNamedServiceHasItsUsageAndOneWithoutAProcessHasNulls() throws Exception {
        JsonObject result = handler.handle(JsonObject.builder().putStrings("names", List.of("web", "db", "nosuch")).build(), null);

        assertThat(asked).containsExactly(Map.of("web", 4242));
        assertThat(JsonWriter.write(result)).isEqualTo("{\"sampled_ms\":77000,\"services\":["
                + "{\"name\":\"web\",\"state\":\"running\",\"health\":\"healthy\",\"pid\":4242,\"restarts\":2,\"uptime_s\":192,"
                + "\"started_at\":\"2026-11-25T11:56:48Z\",\"cpu_ms\":12340,\"rss_bytes\":8192,\"processes\":3},"
                + "{\"name\":\"db\",\"state\":\"stopped\",\"health\":\"unknown\",\"pid\":null,\"restarts\":0,\"uptime_s\":null,"
                + "\"started_at\":null,\"cpu_ms\":null,\"rss_bytes\":null,\"processes\":0}],\"unknown\":[\"nosuch\"]}");
    }

    @Test
    void withoutNamesEveryServiceIsListedAndOneWhoseGroupIsGoneHasNulls() throws Exception {
        JsonObject result = handler.handle(JsonObject.EMPTY, null);

        assertThat(result.array("services").items()).extracting(v -> ((JsonObject) v).string("name"))
                .containsExactly("web", "db", "hang", "boom");
        JsonObject hang = (JsonObject) result.array("services").items().get(2);
        assertThat(JsonWriter.write(hang)).contains("\"pid\":4343,", "\"cpu_ms\":null,\"rss_bytes\":null,");
        assertThat(hang.longOr("processes", -1)).isZero();
    }
}
