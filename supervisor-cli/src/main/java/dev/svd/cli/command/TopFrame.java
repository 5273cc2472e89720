package dev.svd.cli.command;

import dev.svd.cli.render.Durations;
import dev.svd.cli.render.Style;
import dev.svd.cli.render.Table;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonNumber;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.JsonWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One screen of {@code svctl top}: two answers of svd's {@code top} request, the CPU % of each
 * service between them, sorted, as a table or as JSON (docs/svctl.md, top). Pure: no I/O, no clock.
 */
final class TopFrame {
    /** The sort keys of {@code -s}, in the order help lists them. */
    static final String[] SORT_KEYS = {"cpu", "rss", "name", "restarts", "uptime", "state"};

    /** One service's line: its answer from svd and its CPU % over the interval (negative: unknown). */
    record Row(JsonObject service, double cpuPercent) {
        String name() {
            return service.string("name");
        }

        long rss() {
            return service.longOr("rss_bytes", -1);
        }
    }

    private final List<Row> rows;
    private final long intervalMillis;

    private TopFrame(List<Row> rows, long intervalMillis) {
        this.rows = rows;
        this.intervalMillis = intervalMillis;
    }

    /**
     * The frame for {@code after}, with CPU % from {@code before} (an earlier answer, or null: then
     * every CPU % is unknown), sorted by {@code sortKey}.
     */
    static TopFrame of(JsonObject before, JsonObject after, String sortKey) {
        long interval = before == null ? 0 : after.longOr("sampled_ms", 0) - before.longOr("sampled_ms", 0);
        Map<String, JsonObject> earlier = new HashMap<>();
        if (before != null) {
            for (JsonValue v : items(before.array("services"))) {
                earlier.put(((JsonObject) v).string("name"), (JsonObject) v);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (JsonValue v : items(after.array("services"))) {
            JsonObject s = (JsonObject) v;
            rows.add(new Row(s, before == null ? -1 : cpuPercent(earlier.get(s.string("name")), s, interval)));
        }
        rows.sort(order(sortKey));
        return new TopFrame(rows, Math.max(0, interval));
    }

    /**
     * The CPU % of one service between two samples {@code intervalMillis} apart: 100 is one CPU busy
     * the whole time (top(1)'s convention; more than 100 with several busy CPUs). The same main
     * process: the difference of the CPU times, not below 0 (a process of the group that ended took
     * its CPU time with it). Another main process (or none before): it started after the first
     * sample, so all of its CPU time falls in the interval. Negative (unknown) without a process now
     * or without a positive interval.
     */
    static double cpuPercent(JsonObject before, JsonObject after, long intervalMillis) {
        long now = after.longOr("cpu_ms", -1);
        if (now < 0 || intervalMillis <= 0) {
            return -1;
        }
        long used = now;
        if (before != null && before.longOr("pid", 0) == after.longOr("pid", -1) && before.longOr("cpu_ms", -1) >= 0) {
            used = Math.max(0, now - before.longOr("cpu_ms", 0));
        }
        return used * 100.0 / intervalMillis;
    }

    static Comparator<Row> order(String key) {
        Comparator<Row> byName = Comparator.comparing(Row::name);
        Comparator<Row> first;
        switch (key) {
            case "rss": first = Comparator.comparingLong(Row::rss).reversed(); break;
            case "name": return byName;
            case "restarts": first = Comparator.comparingLong((Row r) -> r.service().longOr("restarts", 0)).reversed(); break;
            case "uptime": first = Comparator.comparingLong((Row r) -> r.service().longOr("uptime_s", -1)).reversed(); break;
            case "state": first = Comparator.comparing((Row r) -> r.service().string("state")); break;
            default: first = Comparator.comparingDouble(Row::cpuPercent).reversed();
        }
        return first.thenComparing(byName);
    }

    List<Row> rows() {
        return rows;
    }

    /** The table: {@code NAME STATE HEALTH PID CPU% RSS PROCS RESTARTS UPTIME}, {@code -} when absent. */
    String table(Style style) {
        Table t = new Table("NAME", "STATE", "HEALTH", "PID", "CPU%", "RSS", "PROCS", "RESTARTS", "UPTIME");
        for (Row r : rows) {
            JsonObject s = r.service();
            long pid = s.longOr("pid", 0);
            long uptime = s.longOr("uptime_s", -1);
            t.row(r.name(), style.state(s.string("state")), orDash(s.string("health")),
                    pid > 0 ? Long.toString(pid) : "-",
                    r.cpuPercent() < 0 ? "-" : percent(r.cpuPercent()).toPlainString(),
                    r.rss() < 0 ? "-" : bytes(r.rss()),
                    Long.toString(s.longOr("processes", 0)),
                    Long.toString(s.longOr("restarts", 0)),
                    uptime >= 0 ? Durations.formatSeconds(uptime) : "-");
        }
        return t.render();
    }

    /** The stable JSON of {@code svctl top --json} (docs/svctl.md, top): one line. */
    String json() {
        List<JsonValue> out = new ArrayList<>();
        for (Row r : rows) {
            JsonObject s = r.service();
            out.add(JsonObject.builder()
                    .put("name", r.name())
                    .put("state", s.get("state"))
                    .put("health", s.get("health"))
                    .put("pid", s.get("pid"))
                    .put("cpu_percent", r.cpuPercent() < 0 ? null : JsonNumber.of(percent(r.cpuPercent())))
                    .put("cpu_ms", s.get("cpu_ms"))
                    .put("rss_bytes", s.get("rss_bytes"))
                    .put("processes", s.longOr("processes", 0))
                    .put("restarts", s.longOr("restarts", 0))
                    .put("uptime_s", s.get("uptime_s"))
                    .build());
        }
        return JsonWriter.write(JsonObject.builder().put("interval_ms", intervalMillis)
                .put("services", new JsonArray(out)).build());
    }

    /** One decimal: {@code 12.5}, {@code 0.0}, {@code 187.3}. */
    static BigDecimal percent(double p) {
        return BigDecimal.valueOf(p).setScale(1, RoundingMode.HALF_UP);
    }

    /** Resident memory in binary units as top prints them: {@code 512K}, {@code 12.3M}, {@code 1.2G}. */
    static String bytes(long b) {
        if (b < 1024 * 1024) {
            return (b + 1023) / 1024 + "K";
        }
        double m = b / (1024.0 * 1024);
        if (m < 1024) {
            return BigDecimal.valueOf(m).setScale(1, RoundingMode.HALF_UP).toPlainString() + "M";
        }
        return BigDecimal.valueOf(m / 1024).setScale(1, RoundingMode.HALF_UP).toPlainString() + "G";
    }

    private static List<JsonValue> items(JsonArray a) {
        return a == null ? List.of() : a.items();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
