package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code status}: snapshots of the named services (all when none are named), in the order asked;
 * names that are not configured are listed under {@code unknown} rather than failing the request.
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
        List<JsonValue> services = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        if (names.isEmpty()) {
            for (ServiceSnapshot s : control.services()) {
                services.add(SnapshotJson.service(s, clock, control.sockets(s.name())));
            }
        } else {
            for (String name : names) {
                Optional<ServiceSnapshot> s = control.service(name);
                if (s.isPresent()) {
                    services.add(SnapshotJson.service(s.get(), clock, control.sockets(name)));
                } else {
                    unknown.add(name);
                }
            }
        }
        JsonObject.Builder b = JsonObject.builder().put("services", new JsonArray(services)).putStrings("unknown", unknown);
        control.notifyCounts().ifPresent(c -> b.put("notify", SnapshotJson.notify(c)));
        return b.build();
    }
}
