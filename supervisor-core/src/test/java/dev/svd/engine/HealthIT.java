package dev.svd.engine;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Probes inside the engine: readiness gates dependents and times out, liveness restarts. */
class HealthIT {
    private static final Path SERVER = Path.of("src/test/resources/health/probe_server.py").toAbsolutePath();

    @TempDir
    Path dir;


    private ServiceSpec api(int port, Path healthyFile) {
        return ServiceSpec.of("api", List.of("python3", SERVER.toString(), "--port", Integer.toString(port),
                "--healthy-file", healthyFile.toString(), "--log", dir.resolve("requests").toString()))
                .withStartSeconds(Duration.ZERO);
    }

    private static ProbeSpec http(int port, int failureThreshold, Duration startTimeout) {
        return http(port, failureThreshold, startTimeout, Duration.ZERO);
    }

    private static ProbeSpec http(int port, int failureThreshold, Duration startTimeout, Duration startPeriod) {
        return new ProbeSpec(new ProbeCheck.Http(URI.create("http://127.0.0.1:" + port + "/healthz"), Optional.empty(),
                List.of(new ProbeCheck.StatusRange(200, 399)), Optional.empty(), ProbeCheck.Tls.DEFAULT, Optional.empty()),
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO, failureThreshold, 1, startTimeout,
                startPeriod, Origin.UNKNOWN);
    }

    @Test
    void dependentStartsOnlyOnceItsDependencyIsReady() throws Exception {
        int port = Ports.freePort();
        Path healthy = dir.resolve("healthy");
        ServiceSpec api = api(port, healthy).withReady(Optional.of(http(port, 1, Duration.ofSeconds(60))));
        ServiceSpec web = ServiceSpec.of("web", List.of("/bin/sh", "-c", "date +%s%N > " + dir.resolve("web.started")
                + "; exec sleep 1000")).withStartSeconds(Duration.ZERO).withDependsOn(List.of("api"));
        try (RunningEngine r = new RunningEngine(dir, api, web).start()) {
            r.awaitState("api", ServiceState.RUNNING);
            await().atMost(Duration.ofSeconds(10)).until(() -> r.snapshot("api").probe().contains("503"));
            assertThat(r.snapshot("api").probe()).as("status, latency and time of the last probe")
                    .matches("503 in (\\d+ms|\\d+(\\.\\d)?s).* at \\d{2}:\\d{2}:\\d{2}");
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                    .until(() -> r.snapshot("web").state() == ServiceState.STOPPED && !r.snapshot("api").ready());
            long madeHealthy = System.currentTimeMillis() * 1_000_000L;
            Files.writeString(healthy, "");
            r.awaitState("web", ServiceState.RUNNING);
            assertThat(r.snapshot("api").ready()).isTrue();
            Path started = dir.resolve("web.started");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(started) && !Files.readString(started).isBlank());
            long webStarted = Long.parseLong(Files.readString(dir.resolve("web.started")).trim());
            assertThat(webStarted).isGreaterThan(madeHealthy);
        }
    }

    /**
     * Which result comes last within 2 s depends on how soon python3 binds (503 once it listens,
     * "connection refused" before, issue 11): the reason quotes whichever it was.
     */
    @Test
    void notReadyWithinStartTimeoutFailsTheServiceWithTheLastProbe() throws Exception {
        int port = Ports.freePort();
        ServiceSpec api = api(port, dir.resolve("never")).withReady(Optional.of(http(port, 1, Duration.ofSeconds(2))));
        try (RunningEngine r = new RunningEngine(dir, api).start()) {
            ServiceSnapshot s = r.awaitState("api", ServiceState.FAILED);
            assertThat(s.probe()).as("the last probe result").matches("(503 in |connection refused).*");
            assertThat(s.reason()).startsWith("not ready after 2s: " + s.probe() + "; ");
        }
    }

    /**
     * Issue 11: with a 100 ms interval and 3 failures, the probe server was declared dead before
     * python3 had bound its port on a slow machine. The start period waits for its first pass.
     */
    @Test
    void livenessFailuresRestartTheServiceAfterTheThreshold() throws Exception {
        int port = Ports.freePort();
        Path healthy = dir.resolve("healthy");
        Files.writeString(healthy, "");
        ServiceSpec api = api(port, healthy).withHealth(Optional.of(http(port, 3, Duration.ZERO, Duration.ofMinutes(2))))
                .withStop(new dev.svd.config.StopSpec(dev.svd.config.Signal.TERM, Duration.ofSeconds(2)));
        try (RunningEngine r = new RunningEngine(dir, api).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> r.snapshot("api").health() == Health.HEALTHY);
            int first = r.snapshot("api").pid();
            long requestsBefore = requests();
            Files.delete(healthy);
            await().atMost(Duration.ofSeconds(10)).until(() -> r.snapshot("api").pid() != first
                    && r.snapshot("api").state() == ServiceState.RUNNING);
            assertThat(r.snapshot("api").restarts()).isEqualTo(1);
            List<String> reasons = r.engine.recentEvents(50).stream().map(ServiceEvent::reason).toList();
            assertThat(reasons).anyMatch(x -> x.startsWith("health healthy -> unhealthy"));
            assertThat(reasons).anyMatch(x -> x.startsWith("health check failed: 503"));
            assertThat(requests() - requestsBefore).as("three failures before the restart").isGreaterThanOrEqualTo(3);
        }
    }

    private long requests() throws IOException {
        Path log = dir.resolve("requests");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("request /healthz")).count() : 0;
    }
}
