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
                             List<String> startOrder, Map<String, JobSpec> jobs,
                             Map<String, CertificateSpec> certificates) {
    public SupervisorSpec {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        startOrder = List.copyOf(startOrder);
        jobs = Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
        certificates = Collections.unmodifiableMap(new LinkedHashMap<>(certificates));
    }

    /** A config with services only. */
    public SupervisorSpec(Path file, DaemonSpec daemon, Map<String, ServiceSpec> services, List<String> startOrder) {
        this(file, daemon, ControlSpec.DEFAULT, services, startOrder);
    }

    /** A config without jobs or certificates. */
    public SupervisorSpec(Path file, DaemonSpec daemon, ControlSpec control, Map<String, ServiceSpec> services,
                          List<String> startOrder) {
        this(file, daemon, control, services, startOrder, Map.of(), Map.of());
    }

    /** The same config with other services (after an update), keeping jobs and certificates. */
    public SupervisorSpec withServices(Map<String, ServiceSpec> newServices, List<String> newOrder) {
        return new SupervisorSpec(file, daemon, control, newServices, newOrder, jobs, certificates);
    }
}
