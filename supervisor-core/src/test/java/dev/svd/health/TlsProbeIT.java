package dev.svd.health;

import static dev.svd.health.Probes.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeCheck.HostPort;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https probes against python3 TLS servers with certificates this test makes with openssl: a CA, a
 * good certificate for totheballpark.test, an expired one, and one for another name. The URL names
 * the domain and connect-to the loopback port, like {@code curl --resolve}.
 */
class TlsProbeIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String DOMAIN = "totheballpark.test";

    @TempDir
    static Path certs;
    @TempDir
    Path dir;
    private final TestServers servers = new TestServers();
    private final Prober prober = new Prober(null);

    @BeforeAll
    static void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=svd test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.pem");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + DOMAIN,
                "-keyout", "leaf.key", "-out", "leaf.csr");
        Files.writeString(certs.resolve("good.ext"), "subjectAltName=DNS:" + DOMAIN + ",DNS:www." + DOMAIN + "\n");
        Files.writeString(certs.resolve("other.ext"), "subjectAltName=DNS:other.test,DNS:www.other.test\n");
        sign("good", "good.ext", "2");
        sign("expired", "good.ext", "-1");
        sign("other", "other.ext", "2");
    }

    private static void sign(String name, String ext, String days) throws Exception {
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", days, "-extfile", ext, "-out", name + ".pem");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true)
                .redirectOutput(certs.resolve("openssl.out").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed:\n" + Files.readString(certs.resolve("openssl.out")));
        }
    }

    @AfterEach
    void stop() {
        prober.close();
        servers.close();
    }

    private int tlsServer(String cert, Path log) {
        int port = Ports.freePort();
        servers.probeServer(dir, port, "--cert", certs.resolve(cert + ".pem").toString(),
                "--key", certs.resolve("leaf.key").toString(), "--log", log.toString());
        return port;
    }

    private ProbeResult probeOnce(int port, String host, ProbeCheck.Tls tls) {
        ProbeCheck.Http check = new ProbeCheck.Http(URI.create("https://" + host + ":" + port + "/healthz"),
                Optional.empty(), List.of(new ProbeCheck.StatusRange(200, 399)), Optional.empty(), tls,
                Optional.of(new HostPort("127.0.0.1", port)));
        Probes.Results results = new Probes.Results();
        prober.watch("nginx-" + host + "-" + tls.hashCode(), ProbeKind.READY,
                spec(check, Duration.ofMillis(200), Duration.ofSeconds(3)), ProbeContext.NONE, results);
        await().atMost(WAIT).until(() -> results.size() > 0);
        return results.all.get(0);
    }

    private static ProbeCheck.Tls trusting() {
        return new ProbeCheck.Tls(true, Optional.of(certs.resolve("ca.pem")), Optional.empty());
    }

    @Test
    void goodCertificateWithSniAndHostOfTheDomainOnLoopback() throws Exception {
        Path log = dir.resolve("good.log");
        int port = tlsServer("good", log);

        ProbeResult r = probeOnce(port, DOMAIN, trusting());

        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.summary()).matches("200 in ([0-9]+ms|[0-9]+(\\.[0-9])?s|[0-9]+m)");
        assertThat(Files.readString(log)).contains("sni " + DOMAIN + "\n").contains("request /healthz " + DOMAIN + ":" + port);
        ProbeResult www = probeOnce(port, "www." + DOMAIN, trusting());
        assertThat(www.ok()).as(www.describe()).isTrue();
    }

    @Test
    void expiryIsSeenOnResumedSessionsToo() throws Exception {
        int port = tlsServer("good", dir.resolve("good.log"));
        MovableClock clock = new MovableClock();
        try (Prober moving = new Prober(null, clock)) {
            ProbeCheck.Http check = new ProbeCheck.Http(URI.create("https://" + DOMAIN + ":" + port + "/healthz"),
                    Optional.empty(), List.of(new ProbeCheck.StatusRange(200, 399)), Optional.empty(), trusting(),
                    Optional.of(new HostPort("127.0.0.1", port)));
            Probes.Results results = new Probes.Results();
            moving.watch("nginx", ProbeKind.HEALTH, spec(check, Duration.ofMillis(100), Duration.ofSeconds(3)),
                    ProbeContext.NONE, results);
            await().atMost(WAIT).until(() -> results.size() >= 3);
            assertThat(results.all).allSatisfy(r -> assertThat(r.ok()).as(r.describe()).isTrue());

            clock.skip(Duration.ofDays(3));
            await().atMost(WAIT).until(() -> !results.last().ok());
            assertThat(results.last().diagnosis()).startsWith("the certificate of CN=" + DOMAIN + " expired on ")
                    .endsWith(" (1 day ago): renew it");
        }
    }

    /** The wall clock moved on by a test: the prober checks certificate dates against it. */
    private static final class MovableClock extends java.time.Clock {
        private volatile Duration offset = Duration.ZERO;

        void skip(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(offset);
        }
    }

    @Test
    void expiredCertificateGivesItsDate() {
        int port = tlsServer("expired", dir.resolve("expired.log"));

        ProbeResult r = probeOnce(port, DOMAIN, trusting());

        assertThat(r.ok()).isFalse();
        assertThat(r.summary()).isEqualTo("TLS failed");
        assertThat(r.diagnosis()).matches("the certificate of CN=" + DOMAIN + " expired on 20[0-9-]+T[0-9:]+Z"
                + " \\(1 day ago\\): renew it");
        assertThat(probeOnce(port, DOMAIN, new ProbeCheck.Tls(false, Optional.empty(), Optional.empty())).ok())
                .as("tls.verify = false accepts it, like curl -k").isTrue();
    }

    @Test
    void nameMismatchGivesTheNamesOfTheCertificate() {
        int port = tlsServer("other", dir.resolve("other.log"));

        ProbeResult r = probeOnce(port, DOMAIN, trusting());

        assertThat(r.diagnosis()).isEqualTo("the certificate is for other.test, www.other.test, not " + DOMAIN
                + ": set ready.http.tls.sni (or ready.http.host) to one of its names, or serve a certificate for " + DOMAIN);
        assertThat(probeOnce(port, DOMAIN, new ProbeCheck.Tls(true, Optional.of(certs.resolve("ca.pem")),
                Optional.of("www.other.test"))).ok()).as("tls.sni picks the name").isTrue();
    }

    @Test
    void unknownIssuerNamesItAndPointsAtCaFile() {
        int port = tlsServer("good", dir.resolve("good.log"));

        ProbeResult r = probeOnce(port, DOMAIN, ProbeCheck.Tls.DEFAULT);

        assertThat(r.diagnosis()).startsWith("the certificate of CN=" + DOMAIN + " is issued by CN=svd test CA,"
                + " which is not trusted: set ready.http.tls.ca-file to the CA's certificate (");
    }

    @Test
    void plainHttpToATlsPortSaysSo() {
        int port = tlsServer("good", dir.resolve("good.log"));
        Probes.Results results = new Probes.Results();
        prober.watch("nginx", ProbeKind.HEALTH, spec(Probes.http("http://127.0.0.1:" + port + "/healthz"),
                Duration.ofMillis(200), Duration.ofSeconds(3)), ProbeContext.NONE, results);
        await().atMost(WAIT).until(() -> results.size() > 0);

        assertThat(results.last().summary()).isEqualTo("no HTTP answer");
        // python's ssl module closes or resets, depending on timing
        assertThat(results.last().diagnosis()).matches("from 127\\.0\\.0\\.1:" + port + ", the connection was"
                + " (closed without an answer|reset before an answer): is it serving plain HTTP on that port"
                + " \\(https:// for TLS\\)\\?");
    }

    @Test
    void httpsToAPlainHttpPortSaysSo() {
        int port = Ports.freePort();
        servers.probeServer(dir, port);

        ProbeResult r = probeOnce(port, DOMAIN, trusting());

        assertThat(r.diagnosis()).isEqualTo("127.0.0.1:" + port + " answered in plain text, not TLS: use http:// or the TLS port");
    }
}
