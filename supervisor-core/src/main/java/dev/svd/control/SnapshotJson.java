package dev.svd.control;

import dev.svd.engine.ActionResult;
import dev.svd.engine.ConfigChange;
import dev.svd.engine.ServiceChange;
import dev.svd.engine.ServiceEvent;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.os.HeldSockets;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
                .put("status_text", s.notified().status().isEmpty() ? null : JsonValue.of(s.notified().status()))
                .put("main_pid", s.notified().mainPid() > 0 ? JsonValue.of(s.notified().mainPid()) : null)
                .build();
    }

    /** svd's notify socket and its counts (docs/protocol.md, {@code status}). */
    static JsonObject notify(dev.svd.engine.NotifyCounts c) {
        return JsonObject.builder()
                .put("socket", c.socket())
                .put("received", c.received())
                .put("garbage", c.garbage())
                .put("accepted", c.accepted())
                .put("refused", c.refused())
                .put("ignored", c.ignored())
                .build();
    }

    /** {@link #service(ServiceSnapshot, Clock)} with {@code sockets}: what svd holds for it (docs/protocol.md). */
    static JsonObject service(ServiceSnapshot s, Clock clock, List<HeldSockets.Held> sockets) {
        List<JsonValue> held = new ArrayList<>();
        for (HeldSockets.Held h : sockets) {
            held.add(JsonObject.builder().put("listen", h.listen()).put("name", h.name()).put("fd", h.fd()).build());
        }
        JsonObject.Builder b = JsonObject.builder();
        service(s, clock).members().forEach(b::put);
        return b.put("sockets", new JsonArray(held)).build();
    }

    static JsonObject action(ActionResult r) {
        JsonObject.Builder b = JsonObject.builder()
                .put("service", r.service())
                .put("ok", r.ok())
                .put("error", r.error() == null ? null : r.error().name())
                .put("message", r.message())
                .put("state", r.after() == null ? null : JsonValue.of(r.after().state().label()))
                .put("pid", r.after() != null && r.after().pid() > 0 ? JsonValue.of(r.after().pid()) : null);
        b.put("took_ms", r.took() == null ? null : JsonValue.of(r.took().toMillis()));
        List<JsonValue> also = new ArrayList<>();
        for (ActionResult.Related x : r.also()) {
            also.add(JsonObject.builder()
                    .put("service", x.service())
                    .put("message", x.message())
                    .put("why", x.why())
                    .put("state", x.after() == null ? null : JsonValue.of(x.after().state().label()))
                    .put("pid", x.after() != null && x.after().pid() > 0 ? JsonValue.of(x.after().pid()) : null)
                    .build());
        }
        b.put("also", new JsonArray(also));
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
        List<JsonValue> changes = new ArrayList<>();
        boolean ok = true;
        for (ServiceChange sc : c.changes()) {
            ok = ok && (sc.result() == null || sc.result().ok());
            changes.add(JsonObject.builder()
                    .put("service", sc.service())
                    .putStrings("settings", sc.settings())
                    .putStrings("pending", sc.pending())
                    .put("action", sc.action().wireName())
                    .put("result", sc.result() == null ? null : action(sc.result()))
                    .build());
        }
        return JsonObject.builder()
                .putStrings("added", c.added())
                .putStrings("removed", c.removed())
                .putStrings("changed", c.changed())
                .putStrings("unchanged", c.unchanged())
                .putStrings("problems", c.problems())
                .put("changes", new JsonArray(changes))
                .put("ok", ok)
                .build();
    }
}
