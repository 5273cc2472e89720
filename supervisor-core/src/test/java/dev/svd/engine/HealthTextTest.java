package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.ServiceSpec;
import dev.svd.health.ProbeResult;
import dev.svd.lifecycle.ServiceSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A proxy's 502 names the dependency that is down, when svd knows one. */
class HealthTextTest {
    private static final ServiceSpec NGINX = ServiceSpec.of("nginx", List.of("nginx")).withDependsOn(List.of("gunicorn"));

    private static ProbeResult status(int code) {
        return new ProbeResult(false, code + " in 2ms", "returns " + code + ": the upstream is not answering",
                OptionalInt.of(code), Duration.ofMillis(2), Instant.EPOCH,
                java.util.Optional.of(dev.svd.health.ProbeFailure.HTTP_STATUS));
    }

    @Test
    void badGatewayNamesTheUpstreamThatIsNotRunning() {
        Map<String, ServiceSnapshot> services = Map.of("gunicorn", ServiceSnapshot.initial("gunicorn"));
        assertThat(HealthText.detail(status(502), NGINX, services))
                .isEqualTo("502 in 2ms: returns 502: upstream gunicorn is not running (stopped)");
    }

    @Test
    void withEveryDependencyUpTheProbersOwnWordsStay() {
        ServiceSnapshot up = ServiceSnapshot.initial("gunicorn");
        up = new ServiceSnapshot("gunicorn", dev.svd.lifecycle.ServiceState.RUNNING, 42, Instant.EPOCH, 0, 0, List.of(),
                java.util.Optional.empty(), dev.svd.lifecycle.Health.HEALTHY, "pid 42", 1, false, false, true, "",
                java.util.Optional.empty(), java.util.Optional.empty());
        ProbeResult r = status(504);
        assertThat(HealthText.detail(r, NGINX, Map.of("gunicorn", up))).isEqualTo(r.describe());
    }

    @Test
    void otherFailuresAreNotBlamedOnDependencies() {
        ProbeResult r = status(404);
        assertThat(HealthText.detail(r, NGINX, Map.of("gunicorn", ServiceSnapshot.initial("gunicorn"))))
                .isEqualTo(r.describe());
    }
}
