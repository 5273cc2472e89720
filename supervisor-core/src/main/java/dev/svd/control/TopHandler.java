package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.os.ProcessUsage;
import dev.svd.os.ServiceCgroups;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code top}: the named services (all when none are named) with their state and the CPU time and
 * resident memory of their processes now (docs/protocol.md, top). Reads the published snapshots and
 * /proc only, never waits for the engine. The CPU time is cumulative; a client takes two answers and
 * divides the difference by the difference of {@code sampled_ms} (svctl top does), so svd keeps
 * nothing between requests.
 */
final class TopHandler implements RequestHandler {
    /** The usage of each service's processes, by main pid, given the main pid of each service by name. */
    interface UsageSource {
        Map<Integer, ProcessUsage.Sample> sample(Map<String, Integer> mainPids);
    }

    private final ServiceControl control;
    private final Clock clock;
    private final LongSupplier monotonicMillis;
    private final UsageSource usage;

    TopHandler(ServiceControl control, Clock clock) {
        this(control, clock, () -> System.nanoTime() / 1_000_000, TopHandler::fromProc);
    }

    TopHandler(ServiceControl control, Clock clock, LongSupplier monotonicMillis, UsageSource usage) {
        this.control = control;
        this.clock = clock;
        this.monotonicMillis = monotonicMillis;
        this.usage = usage;
    }

    /**
     * From /proc: a service runs in its own process group whose id is its main pid (docs/daemon.md);
     * where svd placed it in a cgroup, the members that left the group count too.
     */
    static Map<Integer, ProcessUsage.Sample> fromProc(Map<String, Integer> mainPids) {
        Map<Integer, List<Integer>> also = new HashMap<>();
        for (Map.Entry<String, Path> c : ServiceCgroups.placed(mainPids).entrySet()) {
            also.put(mainPids.get(c.getKey()), ServiceCgroups.members(c.getValue()));
        }
        return ProcessUsage.ofGroups(new HashSet<>(mainPids.values()), also);
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        List<String> names = args.strings("names");
        List<ServiceSnapshot> services = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        if (names.isEmpty()) {
            services.addAll(control.services());
        } else {
            for (String name : names) {
                Optional<ServiceSnapshot> s = control.service(name);
                if (s.isPresent()) {
                    services.add(s.get());
                } else {
                    unknown.add(name);
                }
            }
        }
        Map<String, Integer> mainPids = new HashMap<>();
        for (ServiceSnapshot s : services) {
            if (s.pid() > 0) {
                mainPids.put(s.name(), s.pid());
            }
        }
        Map<Integer, ProcessUsage.Sample> sampled = usage.sample(mainPids);
        long at = monotonicMillis.getAsLong();
        List<JsonValue> out = new ArrayList<>();
        for (ServiceSnapshot s : services) {
            out.add(service(s, s.pid() > 0 ? sampled.get(s.pid()) : null));
        }
        return JsonObject.builder()
                .put("sampled_ms", at)
                .put("services", new JsonArray(out))
                .putStrings("unknown", unknown)
                .build();
    }

    private JsonObject service(ServiceSnapshot s, ProcessUsage.Sample u) {
        boolean up = s.state().hasProcess() && s.startedAt() != null;
        return JsonObject.builder()
                .put("name", s.name())
                .put("state", s.state().label())
                .put("health", s.health().label())
                .put("pid", s.pid() > 0 ? JsonValue.of(s.pid()) : null)
                .put("restarts", s.restarts())
                .put("uptime_s", up ? JsonValue.of(Math.max(0, Duration.between(s.startedAt(), clock.instant()).toSeconds())) : null)
                .put("started_at", s.startedAt() == null ? null : JsonValue.of(s.startedAt().toString()))
                .put("cpu_ms", u == null ? null : JsonValue.of(Math.round(u.usage().cpuSeconds() * 1000)))
                .put("rss_bytes", u == null ? null : JsonValue.of(u.usage().residentBytes()))
                .put("processes", u == null ? 0 : u.processes())
                .build();
    }
}
