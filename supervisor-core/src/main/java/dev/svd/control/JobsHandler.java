package dev.svd.control;

import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.schedule.JobControl;
import dev.svd.schedule.JobSnapshot;
import dev.svd.schedule.LastRun;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jobs}: every scheduled job with its schedule, next run, and last run. The members are a
 * contract (docs/protocol.md); times are ISO-8601 with svd's UTC offset, such as
 * {@code 2026-11-26T03:00:00Z}, so that svctl prints them without a time library.
 */
final class JobsHandler implements RequestHandler {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private final JobControl control;

    JobsHandler(JobControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        List<JsonValue> jobs = new ArrayList<>();
        for (JobSnapshot j : control.jobs()) {
            jobs.add(json(j));
        }
        return JsonObject.builder().put("jobs", new JsonArray(jobs)).build();
    }

    static JsonObject json(JobSnapshot j) {
        LastRun last = j.lastRun().orElse(null);
        return JsonObject.builder()
                .put("name", j.name())
                .put("schedule", j.schedule())
                .put("description", j.description())
                .put("random_delay_s", j.randomDelay().toSeconds())
                .put("timeout_s", j.timeout().toSeconds())
                .put("persistent", j.persistent())
                .put("next_run", j.nextRun().map(t -> JsonValue.of(time(t))).orElse(null))
                .put("running_since", j.runningSince().map(t -> JsonValue.of(time(t))).orElse(null))
                .put("last_start", last == null ? null : JsonValue.of(time(ZonedDateTime.ofInstant(last.started(), ZoneId.systemDefault()))))
                .put("last_took_ms", last == null ? null : JsonValue.of(Duration.between(last.started(), last.ended()).toMillis()))
                .put("last_ok", last == null ? null : JsonValue.of(last.ok()))
                .put("last_result", last == null ? null : JsonValue.of(last.result()))
                .build();
    }

    /** Always with seconds ({@code OffsetDateTime.toString} drops ":00"). */
    static String time(ZonedDateTime t) {
        return TIME.format(t);
    }
}
