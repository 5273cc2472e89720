package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.StatusTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code status}: snapshots of the named services (all when none are named), in the order asked;
 * names that are not configured are listed under {@code unknown} rather than failing the request.
 * With {@code table}, the services as svctl's table instead of an object each (docs/protocol.md).
 */
final class StatusHandler implements RequestHandler {
    private final ServiceControl control;
    private final Clock clock;

    StatusHandler(ServiceControl control, Clock clock) {
        this.control = control;
        this.clock = clock;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        List<String> names = args.strings("names");
        List<ServiceSnapshot> known;
        List<String> unknown = new ArrayList<>();
        if (names.isEmpty()) {
            known = control.services();
        } else {
            known = new ArrayList<>();
            for (String name : names) {
                Optional<ServiceSnapshot> s = control.service(name);
                if (s.isPresent()) {
                    known.add(s.get());
                } else {
                    unknown.add(name);
                }
            }
        }
        if (args.boolOr("table", false)) {
            return table(known, unknown);
        }
        List<JsonValue> services = new ArrayList<>(known.size());
        for (ServiceSnapshot s : known) {
            services.add(SnapshotJson.service(s, clock, control.sockets(s.name())));
        }
        JsonObject.Builder b = JsonObject.builder().put("services", new JsonArray(services)).putStrings("unknown", unknown);
        control.notifyCounts().ifPresent(c -> b.put("notify", SnapshotJson.notify(c)));
        return b.build();
    }

    /**
     * The table {@code svctl status} prints, laid out here: at 2,000 services one string of 100 KB
     * instead of 2,000 objects of 500 KB, which svctl, a fresh JVM on every run, read and parsed in
     * most of its time (docs/benchmarks.md, "Scale").
     */
    private JsonObject table(List<ServiceSnapshot> services, List<String> unknown) {
        StatusTable t = new StatusTable();
        long notRunning = 0;
        for (ServiceSnapshot s : services) {
            boolean up = s.state().hasProcess() && s.startedAt() != null;
            t.add(s.name(), s.state().label(), s.pid(),
                    up ? Math.max(0, Duration.between(s.startedAt(), clock.instant()).toSeconds()) : -1,
                    s.restarts(), s.health().label(), s.lastExit().map(Object::toString).orElse(null));
            if (s.state() != ServiceState.RUNNING) {
                notRunning++;
            }
        }
        return JsonObject.builder()
                .put("table", t.render())
                .put("not_running", notRunning)
                .putStrings("unknown", unknown)
                .build();
    }
}
