package dev.svd.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The document {@code svctl status --json} prints and svd.http's {@code /status} serves: the stable members
 * of each service of a {@code status} reply, in order, on one line. A contract (docs/svctl.md): later versions
 * only add members. Stateless.
 */
public final class StatusJson {
    /** The members kept from each service of the reply, in order. */
    static final String[] MEMBERS = {"name", "state", "pid", "restarts", "uptime_s", "health", "last_exit",
        "ready", "reason", "probe"};

    private StatusJson() {}

    /** {@code {"services":[...]}} from the {@code services} of a {@code status} reply. */
    public static String write(List<JsonValue> services) {
        List<JsonValue> out = new ArrayList<>(services.size());
        for (JsonValue v : services) {
            out.add(((JsonObject) v).select(MEMBERS));
        }
        return JsonWriter.write(JsonObject.builder().put("services", new JsonArray(out)).build());
    }
}
