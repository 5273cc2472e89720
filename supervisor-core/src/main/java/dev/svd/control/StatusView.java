package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.StatusJson;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The services' status as {@code svctl status --json} prints it (docs/svctl.md), built as the {@code status}
 * request builds it ({@link SnapshotJson#service}): svd.http's {@code /status} (docs/metrics.md). Stateless.
 */
public final class StatusView {
    private StatusView() {}

    public static String json(ServiceControl control, Clock clock) {
        List<ServiceSnapshot> services = control.services();
        List<JsonValue> out = new ArrayList<>(services.size());
        for (ServiceSnapshot s : services) {
            out.add(SnapshotJson.service(s, clock, control.sockets(s.name())));
        }
        return StatusJson.write(out, control.notifyCounts().map(SnapshotJson::notify).orElse(null));
    }
}
