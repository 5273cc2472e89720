package dev.svd.health;

import static dev.svd.health.Probes.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.ProbeCheck;
import dev.svd.testing.Ports;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's gunicorn with a small Django app whose ALLOWED_HOSTS is totheballpark.test: the 400 the
 * deployment's local check got (field notes, 4) and the Host header that fixes it.
 */
class DjangoProbeIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final TestServers servers = new TestServers();
    private static int port;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startGunicorn() {
        port = Ports.freePort();
        servers.start(List.of("/usr/bin/gunicorn", "--chdir", TestServers.resource("django").toString(),
                "--bind", "127.0.0.1:" + port, "--workers", "1", "baseball.wsgi:application"),
                Map.of("PYTHONDONTWRITEBYTECODE", "1"), dir.resolve("gunicorn.out"), port);
    }

    @AfterAll
    static void stopGunicorn() {
        servers.close();
    }

    private static ProbeResult probeOnce(Optional<String> host) {
        try (Prober prober = new Prober(null)) {
            ProbeCheck.Http check = new ProbeCheck.Http(URI.create("http://127.0.0.1:" + port + "/healthz"), host,
                    List.of(new ProbeCheck.StatusRange(200, 399)), Optional.of("\"status\": \"ok\""),
                    ProbeCheck.Tls.DEFAULT, Optional.empty());
            Probes.Results results = new Probes.Results();
            prober.watch("gunicorn", ProbeKind.READY, spec(check, Duration.ofMillis(200), Duration.ofSeconds(3)),
                    ProbeContext.NONE, results);
            await().atMost(WAIT).until(() -> results.size() > 0);
            return results.all.get(0);
        }
    }

    @Test
    void hostNotInAllowedHostsIsExplained() {
        ProbeResult r = probeOnce(Optional.empty());

        assertThat(r.ok()).isFalse();
        assertThat(r.httpStatus()).hasValue(400);
        assertThat(r.diagnosis()).isEqualTo("returns 400 with Django's Bad Request page: the Host header 127.0.0.1:"
                + port + " is probably not in ALLOWED_HOSTS; set ready.http.host to a name that is");
    }

    @Test
    void theConfiguredHostHeaderPasses() {
        ProbeResult r = probeOnce(Optional.of("totheballpark.test"));

        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.summary()).matches("200 in ([0-9]+ms|[0-9]+(\\.[0-9])?s|[0-9]+m)");
    }
}
