package dev.svd.control;

import dev.svd.config.ServiceSettings;
import dev.svd.config.ServiceSpec;
import dev.svd.engine.ConfigControl;
import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.os.ProcFs;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code show}: one service's effective configuration, every key with its value and where it came
 * from, and its process tree read from /proc now (docs/protocol.md, show). ADMIN access: the
 * configuration may hold secrets in {@code environment}.
 */
final class ShowHandler implements RequestHandler {
    /** A fork bomb under a service must not make one answer unbounded. */
    static final int MAX_PROCESSES = 1000;

    private final ServiceControl services;
    private final ConfigControl config;

    ShowHandler(ServiceControl services, ConfigControl config) {
        this.services = services;
        this.config = config;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException {
        String name = args.requireString("name");
        ServiceSpec spec = config.spec(name)
                .orElseThrow(() -> new RequestException(ErrorCode.NO_SUCH_SERVICE, "no service named " + name));
        List<JsonValue> settings = new ArrayList<>();
        for (ServiceSettings.Setting s : ServiceSettings.of(spec)) {
            settings.add(JsonObject.builder().put("key", s.key()).put("value", s.value()).put("from", s.from()).build());
        }
        int pid = services.service(name).map(ServiceSnapshot::pid).orElse(0);
        List<JsonValue> processes = new ArrayList<>();
        if (pid > 0) {
            tree(pid, 0, processes);
        }
        return JsonObject.builder()
                .put("name", name)
                .put("origin", spec.origin().toString())
                .put("state", services.service(name).map(s -> s.state().label()).orElse("unknown"))
                .put("settings", new JsonArray(settings))
                .put("processes", new JsonArray(processes))
                .build();
    }

    /** {@code pid} and its descendants, depth first, each with its parent (0 for the main process). */
    private static void tree(int pid, int parent, List<JsonValue> out) {
        if (out.size() >= MAX_PROCESSES || !ProcFs.liveProcess(pid)) {
            return;
        }
        out.add(JsonObject.builder().put("pid", pid).put("parent", parent).put("command", ProcFs.command(pid)).build());
        for (int child : ProcFs.childrenOf(pid)) {
            tree(child, pid, out);
        }
    }
}
