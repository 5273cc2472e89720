package dev.svd.engine;

import dev.svd.config.Origin;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import java.util.ArrayList;
import java.util.List;

/** Compares two configs service by service; where a service is declared does not count as a change. */
final class ConfigDiff {
    private ConfigDiff() {}

    static ConfigChange between(SupervisorSpec current, SupervisorSpec next) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (ServiceSpec n : next.services().values()) {
            ServiceSpec c = current.services().get(n.name());
            if (c == null) {
                added.add(n.name());
            } else if (same(c, n)) {
                unchanged.add(n.name());
            } else {
                changed.add(n.name());
            }
        }
        for (String name : current.services().keySet()) {
            if (!next.services().containsKey(name)) {
                removed.add(name);
            }
        }
        return new ConfigChange(added, removed, changed, unchanged, List.of());
    }

    static ConfigChange invalid(List<String> problems) {
        return new ConfigChange(List.of(), List.of(), List.of(), List.of(), problems);
    }

    private static boolean same(ServiceSpec a, ServiceSpec b) {
        return placeless(a).equals(placeless(b));
    }

    private static ServiceSpec placeless(ServiceSpec s) {
        return s.with(b -> b.origin = Origin.UNKNOWN);
    }
}
