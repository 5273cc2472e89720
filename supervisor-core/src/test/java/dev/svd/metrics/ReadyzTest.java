package dev.svd.metrics;

import dev.svd.engine.WantedServices;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which services /readyz judges (docs/metrics.md): what svd wants up, less one-shot services that are done. */
class ReadyzTest {
    private static final Instant T = Instant.parse("2026-12-07T19:00:00Z");

    private static ServiceSnapshot service(String name, ServiceState state, Optional<ExitStatus> exit) {
        return new ServiceSnapshot(name, state, 0, null, 0, 0, List.of(), exit, Health.UNKNOWN, "", 1, false, false,
                false, "", Optional.empty(), Optional.empty());
    }

    @Test
    void operatorStoppedAndCleanlyExitedServicesAreNotJudgedFailedOnesAre() {
        List<ServiceSnapshot> all = List.of(
                service("web", ServiceState.STARTING, Optional.empty()),
                service("stopped", ServiceState.STOPPED, Optional.of(ExitStatus.killed(15, T))),
                service("migrate", ServiceState.EXITED, Optional.of(ExitStatus.exited(0, T))),
                service("broken", ServiceState.EXITED, Optional.of(ExitStatus.exited(1, T))),
                service("killed", ServiceState.EXITED, Optional.of(ExitStatus.killed(9, T))),
                service("gaveup", ServiceState.FAILED, Optional.of(ExitStatus.exited(0, T))));
        WantedServices wanted = new WantedServices(Set.of("web", "migrate", "broken", "killed", "gaveup"), false);

        assertThat(MetricsServer.shouldRun(all, wanted)).extracting(ServiceSnapshot::name)
                .containsExactly("web", "broken", "killed", "gaveup");
    }
}
