package dev.svd.engine;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.StartLimitSpec;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publish, then announce (issue 13), for the events probes cause: on a health change the published snapshot
 * already has the new health, and when a readiness probe passed, the service is ready in it.
 */
class EngineEventsIT {
    private static final Pattern HEALTH = Pattern.compile("health (\\w+) -> (\\w+): .*");

    @TempDir
    Path dir;

    private static ProbeSpec exec(Path flag) {
        return new ProbeSpec(new ProbeCheck.Exec(List.of("/bin/sh", "-c", "test -e '" + flag + "'")),
                Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ZERO, 1, 1, Duration.ofSeconds(60), Duration.ZERO,
                Origin.UNKNOWN);
    }

    @Test
    void healthAndReadinessEventsComeAfterTheSnapshotThatShowsThem() throws Exception {
        Path ready = dir.resolve("api-ready");
        Path healthy = dir.resolve("web-healthy");
        Files.writeString(healthy, "");
        ServiceSpec api = ServiceSpec.of("api", List.of("sleep", "1000")).withStartSeconds(Duration.ZERO)
                .withReady(Optional.of(exec(ready)));
        ServiceSpec web = ServiceSpec.of("web", List.of("sleep", "1000")).withStartSeconds(Duration.ZERO)
                .withHealth(Optional.of(exec(healthy)))
                .withStop(new dev.svd.config.StopSpec(dev.svd.config.Signal.TERM, Duration.ofSeconds(5)))
                .withStartLimit(new StartLimitSpec(1000, Duration.ofSeconds(60))); // restarts until the flag is back
        List<ServiceEvent> seen = new CopyOnWriteArrayList<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        try (RunningEngine r = new RunningEngine(dir, api, web)) {
            r.engine.subscribe(e -> {
                seen.add(e);
                ServiceSnapshot s = r.engine.service(e.service()).orElseThrow();
                Matcher health = HEALTH.matcher(e.reason());
                if (e.from() == e.to() && health.matches()) {
                    if (!s.health().label().equals(health.group(2))) {
                        wrong.add(e.service() + ": event " + e.reason() + " but the snapshot said " + s.health().label());
                    }
                    if (e.service().equals("api") && health.group(2).equals(Health.HEALTHY.label()) && !s.ready()) {
                        wrong.add("api: event " + e.reason() + " (its readiness probe) but the snapshot said not ready");
                    }
                } else if (s.state() != e.to() || !s.reason().equals(e.reason())) {
                    wrong.add(e.service() + ": event " + e + " but the snapshot said " + s.state().label() + " ("
                            + s.reason() + ")");
                }
            });
            r.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> r.snapshot("web").health() == Health.HEALTHY);
            Files.writeString(ready, "");
            await().atMost(Duration.ofSeconds(20)).until(() -> r.snapshot("api").ready());

            int first = r.snapshot("web").pid();
            Files.delete(healthy);
            await().atMost(Duration.ofSeconds(20)).until(() -> r.snapshot("web").pid() != first);
            Files.writeString(healthy, "");
            await().atMost(Duration.ofSeconds(20)).until(() -> r.snapshot("web").health() == Health.HEALTHY);
        }

        assertThat(wrong).as("events whose snapshot did not show them yet").isEmpty();
        List<String> reasons = seen.stream().map(e -> e.service() + ": " + e.reason()).toList();
        assertThat(reasons).anyMatch(x -> x.matches("api: health \\w+ -> healthy: .*"))
                .anyMatch(x -> x.startsWith("web: health healthy -> unhealthy"))
                .anyMatch(x -> x.startsWith("web: health check failed"));
    }
}
