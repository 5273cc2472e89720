package dev.svd.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The document {@code svctl status --json} prints and svd.http's {@code /status} serves: the stable members
 * of each service of a {@code status} reply, in order, and svd's notify socket counts when the reply has
 * them, on one line. A contract (docs/svctl.md): later versions only add members. Stateless.
 */
public final class StatusJson {
    /** The members kept from each service of the reply, in order. */
    static final String[] MEMBERS = {"name", "state", "pid", "restarts", "uptime_s", "health", "last_exit",
        "ready", "reason", "probe", "sockets", "status_text", "main_pid"};

    private StatusJson() {}

    /** {@code {"services":[...]}} from the {@code services} of a {@code status} reply. */
    public static String write(List<JsonValue> services) {
        return write(services, null);
    }

    /**
     * As {@link #write(List)}, with {@code notify} (svd's notify socket and its counts, docs/notify.md)
     * passed through when it is not null.
     */
    public static String write(List<JsonValue> services, JsonObject notify) {
        List<JsonValue> out = new ArrayList<>(services.size());
        for (JsonValue v : services) {
            out.add(((JsonObject) v).select(MEMBERS));
        }
        JsonObject.Builder b = JsonObject.builder().put("services", new JsonArray(out));
        if (notify != null) {
            b.put("notify", notify);
        }
        return JsonWriter.write(b.build());
    }
}
