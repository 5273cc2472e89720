package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.health.ProbeResult;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.util.Map;

/**
 * A probe result in the operator's words, with what only the engine knows: a proxy's 502, 503 or
 * 504 names the dependency that is not up ("returns 502: upstream gunicorn is not ready").
 */
final class HealthText {
    private HealthText() {}

    static String detail(ProbeResult result, ServiceSpec spec, Map<String, ServiceSnapshot> services) {
        int status = result.httpStatus().orElse(0);
        if (!result.ok() && (status == 502 || status == 503 || status == 504) && spec != null) {
            for (String dep : spec.dependsOn()) {
                ServiceSnapshot d = services.get(dep);
                String why = d == null ? null : notUp(d);
                if (why != null) {
                    return result.summary() + ": returns " + status + ": upstream " + dep + " is " + why;
                }
            }
        }
        return result.describe();
    }

    /** Why a dependency is not serving, or null when it looks fine. */
    private static String notUp(ServiceSnapshot d) {
        if (d.state() != ServiceState.RUNNING) {
            return d.state() == ServiceState.STARTING ? "not ready (starting)" : "not running (" + d.state().label() + ")";
        }
        if (!d.ready()) {
            return "not ready";
        }
        return d.health() == Health.UNHEALTHY ? "unhealthy (" + d.probe() + ")" : null;
    }
}
