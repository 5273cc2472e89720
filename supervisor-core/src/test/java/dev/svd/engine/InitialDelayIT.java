package dev.svd.engine;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.lifecycle.Health;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code initial-delay}: the first probe of a process comes no earlier than that long after it
 * started (docs/health.md, "Timing"). The probes are tcp probes to servers in this JVM that note
 * the time of every connection they accept, so even a first probe that fails would be seen. The
 * lower bound is the service's {@code startedAt}, which the engine takes after the spawn returned
 * and before it asks the prober to watch; both it and the accept times are the system clock.
 */
class InitialDelayIT {
    @TempDir
    Path dir;

    /** A loopback server on a free port that accepts, notes the time and closes, until closed. */
    private static final class AcceptLog implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Instant> accepted = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::run, "accept-log");

        AcceptLog() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    accepted.add(Instant.now());
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        ProbeSpec probe(Duration initialDelay, int failureThreshold) {
            return new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", socket.getLocalPort())),
                    Duration.ofMillis(100), Duration.ofSeconds(1), initialDelay, failureThreshold, 1,
                    Duration.ofSeconds(60), Duration.ZERO, Origin.UNKNOWN);
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }

    @Test
    void firstProbesComeNoEarlierThanInitialDelayAfterTheProcessStarted() throws Exception {
        Duration readyDelay = Duration.ofMillis(1500);
        Duration healthDelay = Duration.ofMillis(2500);
        try (AcceptLog ready = new AcceptLog(); AcceptLog health = new AcceptLog()) {
            ServiceSpec svc = ServiceSpec.of("svc", List.of("/bin/sleep", "1000")).withStartSeconds(Duration.ZERO)
                    .withReady(Optional.of(ready.probe(readyDelay, 1)))
                    .withHealth(Optional.of(health.probe(healthDelay, 3)));
            try (RunningEngine r = new RunningEngine(dir, svc).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("svc").ready()
                        && r.snapshot("svc").health() == Health.HEALTHY);
                Instant started = r.snapshot("svc").startedAt();
                assertThat(started).as("the process's start").isNotNull();
                assertThat(ready.accepted).as("ready probes").isNotEmpty();
                assertThat(health.accepted).as("health probes").isNotEmpty();
                assertThat(ready.accepted.get(0)).as("the first ready probe, process started at %s", started)
                        .isAfterOrEqualTo(started.plus(readyDelay));
                assertThat(health.accepted.get(0)).as("the first health probe, process started at %s", started)
                        .isAfterOrEqualTo(started.plus(healthDelay));
            }
        }
    }
}
