package dev.svd.control;

import dev.svd.engine.ActionResult;
import dev.svd.engine.ConfigChange;
import dev.svd.engine.ServiceEvent;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.time.Clock;
import java.time.Duration;

/**
 * The wire form of the engine's records. The member names are a contract (docs/protocol.md);
 * {@code svctl status --json} passes a subset through. Stateless.
 */
final class SnapshotJson {
    private SnapshotJson() {}

    static JsonObject service(ServiceSnapshot s, Clock clock) {
        boolean up = s.state().hasProcess() && s.startedAt() != null;
        return JsonObject.builder()
                .put("name", s.name())
                .put("state", s.state().label())
                .put("pid", s.pid() > 0 ? JsonValue.of(s.pid()) : null)
                .put("restarts", s.restarts())
                .put("uptime_s", up ? JsonValue.of(Math.max(0, Duration.between(s.startedAt(), clock.instant()).toSeconds())) : null)
                .put("health", s.health().label())
                .put("last_exit", s.lastExit().isPresent() ? JsonValue.of(s.lastExit().get().toString()) : null)
                .put("reason", s.reason())
                .put("ready", s.ready())
                .put("probe", s.probe().isEmpty() ? null : JsonValue.of(s.probe()))
                .put("started_at", s.startedAt() == null ? null : JsonValue.of(s.startedAt().toString()))
                .build();
    }

    static JsonObject action(ActionResult r) {
        JsonObject.Builder b = JsonObject.builder()
                .put("service", r.service())
                .put("ok", r.ok())
                .put("error", r.error())
                .put("message", r.message())
                .put("state", r.after() == null ? null : JsonValue.of(r.after().state().label()))
                .put("pid", r.after() != null && r.after().pid() > 0 ? JsonValue.of(r.after().pid()) : null);
        b.put("took_ms", r.took() == null ? null : JsonValue.of(r.took().toMillis()));
        return b.build();
    }

    static JsonObject event(ServiceEvent e) {
        return JsonObject.builder()
                .put("seq", e.seq())
                .put("at", e.at().toString())
                .put("service", e.service())
                .put("from", e.from() == null ? null : JsonValue.of(e.from().label()))
                .put("to", e.to() == null ? null : JsonValue.of(e.to().label()))
                .put("reason", e.reason())
                .build();
    }

    static JsonObject change(ConfigChange c) {
        return JsonObject.builder()
                .putStrings("added", c.added())
                .putStrings("removed", c.removed())
                .putStrings("changed", c.changed())
                .putStrings("unchanged", c.unchanged())
                .putStrings("problems", c.problems())
                .build();
    }
}
