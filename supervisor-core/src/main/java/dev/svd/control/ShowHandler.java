package dev.svd.control;

import dev.svd.config.ServiceSettings;
import dev.svd.config.ServiceSpec;
import dev.svd.engine.ConfigControl;
import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.os.ProcFs;
import dev.svd.os.ServiceCgroups;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code show}: one service's effective configuration, every key with its value and where it came
 * from, its process tree read from /proc now, with the processes of its group and cgroup that are
 * not in the tree, and the cgroup svd placed it in (docs/protocol.md, show). Reads the applied
 * spec, the published snapshot and /proc; never waits for the engine. ADMIN access: the
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
        Optional<Path> cgroup = Optional.empty();
        if (pid > 0) {
            Set<Integer> seen = new HashSet<>();
            tree(pid, 0, "tree", processes, seen);
            // What left the tree (an orphan of the group, a daemon that made its own session) is still
            // the service's: its group's members, and its cgroup's where svd placed it in one.
            for (int member : ProcFs.groupMembers(pid)) {
                tree(member, ProcFs.parentOf(member), "group", processes, seen);
            }
            cgroup = Optional.ofNullable(ServiceCgroups.placed(Map.of(name, pid)).get(name));
            for (int member : cgroup.map(ServiceCgroups::members).orElse(List.of())) {
                tree(member, ProcFs.parentOf(member), "cgroup", processes, seen);
            }
        }
        return JsonObject.builder()
                .put("name", name)
                .put("origin", spec.origin().toString())
                .put("state", services.service(name).map(s -> s.state().label()).orElse("unknown"))
                .put("settings", new JsonArray(settings))
                .put("processes", new JsonArray(processes))
                .put("cgroup", cgroup.map(c -> JsonValue.of(c.toString())).orElse(null))
                .build();
    }

    /**
     * {@code pid} and its descendants not listed yet, depth first, each with its parent (0 for the
     * main process) and how it was found: {@code tree} (the main process and its descendants),
     * {@code group} (in the service's process group), {@code cgroup} (in its cgroup only).
     */
    private static void tree(int pid, int parent, String via, List<JsonValue> out, Set<Integer> seen) {
        if (out.size() >= MAX_PROCESSES || seen.contains(pid) || !ProcFs.liveProcess(pid)) {
            return;
        }
        seen.add(pid);
        out.add(JsonObject.builder().put("pid", pid).put("parent", Math.max(parent, 0)).put("command", ProcFs.command(pid))
                .put("via", via).build());
        for (int child : ProcFs.childrenOf(pid)) {
            tree(child, pid, via, out, seen);
        }
    }
}
