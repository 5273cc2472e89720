package dev.svd.health;

import static dev.svd.health.Probes.http;
import static dev.svd.health.Probes.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeCheck.HostPort;
import dev.svd.lifecycle.Health;
import dev.svd.testing.Ports;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http and tcp probes against a real python3 server whose health a file toggles. */
class HttpProbeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final TestServers servers = new TestServers();
    private final Prober prober = new Prober(null);

    @AfterEach
    void stop() {
        prober.close();
        servers.close();
    }

    @Test
    void healthTogglesWithTheServerAnd503IsDiagnosed() throws Exception {
        int port = Ports.freePort();
        Path healthy = Files.createFile(dir.resolve("healthy"));
        servers.probeServer(dir, port, "--healthy-file", healthy.toString());
        Probes.Results results = new Probes.Results();
        prober.watch("web", ProbeKind.HEALTH, spec(http("http://127.0.0.1:" + port + "/healthz"), Duration.ofMillis(100),
                Duration.ofSeconds(2)), ProbeContext.NONE, results);

        await().atMost(WAIT).until(() -> results.size() > 0);
        assertThat(results.last().ok()).isTrue();
        assertThat(results.last().summary()).matches("200 in ([0-9]+ms|[0-9]+(\\.[0-9])?s|[0-9]+m)");
        assertThat(results.last().httpStatus()).hasValue(200);

        Files.delete(healthy);
        await().atMost(WAIT).until(() -> !results.last().ok());
        assertThat(results.last().summary()).startsWith("503 in ");
        assertThat(results.last().diagnosis()).startsWith("returns 503: the service or its upstream is unavailable");

        Files.createFile(healthy);
        await().atMost(WAIT).until(() -> results.last().ok());
    }

    /**
     * Issue 11: this asserted the gaps between results (over 50 ms, 90-150 ms on average), which a
     * slow machine does not keep. What the prober promises whatever the load: thresholds decide the
     * changes, and there is never more than one result per slot since the watch began.
     */
    @Test
    void thresholdsTurnResultsIntoHealthChangesAndNoSlotProbesTwice() throws Exception {
        int port = Ports.freePort();
        Path healthy = Files.createFile(dir.resolve("healthy"));
        servers.probeServer(dir, port, "--healthy-file", healthy.toString());
        ProbeCounter counter = new ProbeCounter(2, 3);
        List<Health> changes = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        List<Integer> failuresAtUnhealthy = new CopyOnWriteArrayList<>();
        int[] failures = {0};
        Duration interval = Duration.ofMillis(100);
        long watched = System.nanoTime();
        prober.watch("web", ProbeKind.HEALTH, spec(http("http://127.0.0.1:" + port + "/healthz"), interval,
                Duration.ofSeconds(2)), ProbeContext.NONE, r -> {
            times.add(System.nanoTime());
            if (!r.ok()) {
                failures[0]++;
            }
            counter.record(r.ok()).ifPresent(h -> {
                changes.add(h);
                if (h == Health.UNHEALTHY) {
                    failuresAtUnhealthy.add(failures[0]);
                }
            });
        });

        await().atMost(WAIT).until(() -> changes.contains(Health.HEALTHY));
        Files.delete(healthy);
        await().atMost(WAIT).until(() -> changes.contains(Health.UNHEALTHY));
        assertThat(changes).containsExactly(Health.HEALTHY, Health.UNHEALTHY);
        assertThat(failuresAtUnhealthy).as("failures (all after the file was deleted) when it turned unhealthy")
                .containsExactly(3);

        // The first probe starts at the watch, each later one on its own slot of the shared grid
        // (multiples of the interval) after it, and a result comes after its start: n results need
        // the first and n - 1 grid slots. A delay only makes fewer.
        List<Long> seen = List.copyOf(times);
        long slotsUntilLast = Math.floorDiv(seen.get(seen.size() - 1), interval.toNanos())
                - Math.floorDiv(watched, interval.toNanos()) + 1;
        assertThat((long) seen.size()).as("results, against the slots from the watch to the last result")
                .isLessThanOrEqualTo(slotsUntilLast);
    }

    @Test
    void aProbeSlowerThanItsIntervalDoesNotPileUp() throws Exception {
        int port = Ports.freePort();
        Path log = dir.resolve("requests.log");
        servers.probeServer(dir, port, "--delay", "0.35", "--log", log.toString());
        Probes.Results results = new Probes.Results();
        prober.watch("slow", ProbeKind.HEALTH, spec(http("http://127.0.0.1:" + port + "/healthz"), Duration.ofMillis(100),
                Duration.ofSeconds(2)), ProbeContext.NONE, results);

        await().atMost(WAIT).until(() -> results.size() >= 5);
        List<Double> starts = Files.readAllLines(log).stream().map(l -> Double.parseDouble(l.split(" ")[0])).toList();
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).as("time between probe starts").isGreaterThan(0.34);
        }
        // Each probe takes 350ms, so it ends in the 4th slot after its own; how soon the next one starts
        // depends on the machine's speed (issue 11), so only the lower bound is asserted.
        assertThat(results.all).allSatisfy(r -> assertThat(r.ok()).isTrue());
    }

    @Test
    void connectionRefusedNamesTheAddress() {
        int port = Ports.freePort();
        Probes.Results http = new Probes.Results();
        Probes.Results tcp = new Probes.Results();
        prober.watch("web", ProbeKind.READY, spec(http("http://127.0.0.1:" + port + "/healthz"), Duration.ofMillis(100),
                Duration.ofSeconds(2)), ProbeContext.NONE, http);
        prober.watch("web", ProbeKind.HEALTH, spec(new ProbeCheck.Tcp(new HostPort("127.0.0.1", port)),
                Duration.ofMillis(100), Duration.ofSeconds(2)), ProbeContext.NONE, tcp);

        await().atMost(WAIT).until(() -> http.size() > 0 && tcp.size() > 0);
        for (ProbeResult r : List.of(http.last(), tcp.last())) {
            assertThat(r.ok()).isFalse();
            assertThat(r.summary()).isEqualTo("connection refused");
            assertThat(r.diagnosis()).isEqualTo("nothing listens on 127.0.0.1:" + port
                    + ": is the service bound to that address?");
            assertThat(r.httpStatus()).isEmpty();
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        // The kernel completes connections into the backlog; nobody accepts or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Probes.Results results = new Probes.Results();
            prober.watch("stuck", ProbeKind.HEALTH, spec(http("http://127.0.0.1:" + silent.getLocalPort() + "/healthz"),
                    Duration.ofMillis(100), Duration.ofMillis(300)), ProbeContext.NONE, results);

            await().atMost(WAIT).until(() -> results.size() >= 2);
            ProbeResult r = results.last();
            assertThat(r.summary()).isEqualTo("timeout after 300ms");
            assertThat(r.diagnosis()).isEqualTo("no answer from http://127.0.0.1:" + silent.getLocalPort()
                    + "/healthz within 300ms (connected to 127.0.0.1:" + silent.getLocalPort()
                    + ", request sent): the service is stuck or overloaded");
            // no upper bound: how late the timeout's result comes depends on the machine (issue 11)
            assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        }
    }

    @Test
    void hostHeaderConnectToStatusAndBodyChecks() throws Exception {
        int port = Ports.freePort();
        Path log = dir.resolve("requests.log");
        servers.probeServer(dir, port, "--log", log.toString());
        Probes.Results named = new Probes.Results();
        ProbeCheck.Http viaName = new ProbeCheck.Http(URI.create("http://totheballpark.test:8080/healthz"),
                Optional.of("totheballpark.test"), List.of(new ProbeCheck.StatusRange(200, 200)), Optional.of("ok host="),
                ProbeCheck.Tls.DEFAULT, Optional.of(new HostPort("127.0.0.1", port)));
        prober.watch("web", ProbeKind.READY, spec(viaName, Duration.ofMillis(100), Duration.ofSeconds(2)),
                ProbeContext.NONE, named);
        await().atMost(WAIT).until(() -> named.size() > 0);
        assertThat(named.last().ok()).as(named.last().describe()).isTrue();
        assertThat(Files.readString(log)).contains("request /healthz totheballpark.test\n");

        Probes.Results missing = new Probes.Results();
        prober.watch("web", ProbeKind.HEALTH, spec(http("http://127.0.0.1:" + port + "/nope"), Duration.ofMillis(100),
                Duration.ofSeconds(2)), ProbeContext.NONE, missing);
        Probes.Results body = new Probes.Results();
        prober.watch("api", ProbeKind.HEALTH, spec(new ProbeCheck.Http(URI.create("http://127.0.0.1:" + port + "/healthz"),
                Optional.empty(), List.of(new ProbeCheck.StatusRange(200, 399)), Optional.of("status=up"),
                ProbeCheck.Tls.DEFAULT, Optional.empty()), Duration.ofMillis(100), Duration.ofSeconds(2)),
                ProbeContext.NONE, body);
        await().atMost(WAIT).until(() -> missing.size() > 0 && body.size() > 0);
        assertThat(missing.last().diagnosis()).isEqualTo("returns 404, expected 200-399");
        assertThat(body.last().diagnosis()).isEqualTo("returns 200 but the body does not contain \"status=up\""
                + " (it starts with \"ok host=127.0.0.1:" + port + "\")");
    }

    @Test
    void cancelStopsTheResults() throws Exception {
        int port = Ports.freePort();
        servers.probeServer(dir, port);
        Probes.Results results = new Probes.Results();
        ProbeHandle handle = prober.watch("web", ProbeKind.HEALTH, spec(new ProbeCheck.Tcp(new HostPort("127.0.0.1", port)),
                Duration.ofMillis(50), Duration.ofSeconds(1)), ProbeContext.NONE, results);
        await().atMost(WAIT).until(() -> results.size() >= 2);
        assertThat(results.last().summary()).matches("connected in ([0-9]+ms|[0-9]+(\\.[0-9])?s|[0-9]+m)");

        handle.cancel();
        int after = results.size();
        // A result already on its way may still land; then nothing more for several intervals.
        Probes.Results other = new Probes.Results();
        prober.watch("other", ProbeKind.HEALTH, spec(new ProbeCheck.Tcp(new HostPort("127.0.0.1", port)),
                Duration.ofMillis(50), Duration.ofSeconds(1)), ProbeContext.NONE, other);
        await().atMost(WAIT).until(() -> other.size() >= 6);
        assertThat(results.size()).isLessThanOrEqualTo(after + 1);
    }
}
