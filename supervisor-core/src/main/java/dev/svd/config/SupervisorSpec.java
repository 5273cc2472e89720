package dev.svd.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Collections;

/**
 * A whole validated configuration: the daemon settings and every service, plus a start order in
 * which each service comes after everything it depends on.
 */
public record SupervisorSpec(Path file, DaemonSpec daemon, ControlSpec control, Map<String, ServiceSpec> services,
                             List<String> startOrder) {
    public SupervisorSpec {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        startOrder = List.copyOf(startOrder);
    }

    /** A config with the default control settings. */
    public SupervisorSpec(Path file, DaemonSpec daemon, Map<String, ServiceSpec> services, List<String> startOrder) {
        this(file, daemon, ControlSpec.DEFAULT, services, startOrder);
    }
}
