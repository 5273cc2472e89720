package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's pre-flight end to end: when nginx does not serve the webroot on the challenge port, an
 * issuance or a renewal fails at once with the pre-flight's cause, certbot is never run (so the ACME
 * server is never asked), and the running nginx is left as it was. Real svd, nginx, certbot and pebble
 * on loopback, as in {@link CertificatesIT}. nginx serves the challenge path from {@code served}, a
 * symlink this test points at svd's webroot or at another directory: nginx resolves it per request, so
 * the webroot stops (or starts) being served without touching nginx. The steps build on each other and
 * run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreflightIT {
    private static final String DOMAIN = CertsFixture.DOMAIN;
    private static final Duration ISSUE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static int httpPort;
    static int tlsPort;
    static Pebble pebble;
    static SvdProcess svd;
    static Path www;
    static Path elsewhere;
    static Path served;
    static long nginxMaster;

    @BeforeAll
    static void startPebbleAndSvd() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nginx workers
        int[] ports = Ports.freePorts(2);
        httpPort = ports[0];
        tlsPort = ports[1];
        pebble = Pebble.start(dir.resolve("pebble"), httpPort);

        Path nginx = CertsFixture.nginxDirectory(dir);
        www = Files.createDirectories(dir.resolve("www"));
        elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        for (Path root : List.of(www, elsewhere)) { // nginx's ready probe passes whichever is served
            Files.createDirectories(root.resolve(".well-known/acme-challenge"));
            Files.writeString(root.resolve(".well-known/acme-challenge/health.txt"), "ok\n");
        }
        served = dir.resolve("served");
        serve(elsewhere); // from the start, nginx does not serve svd's webroot
        Path state = dir.resolve("state");
        Path nginxConf = nginx.resolve("nginx.conf");
        Files.writeString(nginxConf, CertsFixture.nginxConf(nginx, httpPort, served, tlsPort, state));
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, """
                svd { socket = "%1$s/svd.sock", log-dir = "%1$s/logs", state-dir = "%2$s" }
                services.nginx {
                  command = ["nginx", "-p", "%3$s/", "-c", "%4$s", "-g", "daemon off;"]
                  profile = nginx
                  ready { http { url = "http://127.0.0.1:%9$d/.well-known/acme-challenge/health.txt" } }
                }
                certificates.site {
                  domains = [%5$s, www.%5$s]
                  webroot = "%6$s"
                  reload = [nginx]
                  acme-server = "https://127.0.0.1:%7$d/dir"
                  ca-bundle = "%8$s"
                  certbot-dirs { config = "%1$s/le/config", work = "%1$s/le/work", logs = "%1$s/le/logs" }
                  http-check = "127.0.0.1:%9$d"
                  tls-check = "127.0.0.1:%10$d"
                  random-delay = 0s
                }
                """.formatted(dir, state, nginx, nginxConf, DOMAIN, www, pebble.acmePort(), pebble.caBundle(), httpPort,
                tlsPort));
        svd = SvdProcess.start(dir.resolve("svd"), "--config", conf.toString());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        CertsFixture.stopAll(dir, svd, pebble);
    }

    @Test
    @Order(1)
    void aFailedPreflightFailsTheFirstIssuanceAtOnceWithoutRunningCertbot() throws Exception {
        try {
            await().atMost(ISSUE).ignoreExceptions().until(() -> certificate().get("last_result") instanceof JsonObject);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no first issuance result; svd's output:\n" + svd.stdout() + svd.stderr(), e);
        }
        JsonObject site = certificate();
        JsonObject result = site.object("last_result");
        assertThat(result.string("outcome")).isEqualTo("failed");
        assertThat(result.string("message")).matches(preflightFailure());
        assertThat(site.boolOr("placeholder", false)).isTrue();
        assertThat(site.string("message")).startsWith("waiting for certificate: pre-flight: http://" + DOMAIN + "/")
                .contains("returned 404: is nginx serving " + www + "?").contains("; next attempt at ");
        assertThat(site.string("next_attempt")).isNotNull();

        // certbot never ran: it makes its config, work and logs directories on its first run, and svd says when it asks
        assertThat(dir.resolve("le")).doesNotExist();
        assertThat(svd.stdout()).doesNotContain("asking " + pebble.directory());
        assertThat(pebbleOrders()).as(pebble.output()).isZero();

        // nginx as it was: started once, never reloaded, still serving the placeholder and the (other) challenge root
        assertThat(svd.stdout()).doesNotContain("(reload)");
        nginxMaster = nginxMaster();
        assertThat(ProcessHandle.of(nginxMaster).map(ProcessHandle::isAlive)).contains(true);
        assertThat(served().issuer()).contains("O=svd placeholder");
        assertThat(health()).isEqualTo(200);
        assertThat(token()).as("the pre-flight's token is removed").isEmpty();
    }

    @Test
    @Order(2)
    void withTheWebrootServedTheCertificateIsIssued() throws Exception {
        serve(www);
        JsonObject issued = call("renew", JsonObject.builder().put("name", "site").put("force", false).build());
        assertThat(issued.string("outcome")).as(issued.toString()).isEqualTo("issued");
        assertThat(served().issuer()).contains("Pebble");
        assertThat(pebbleOrders()).as(pebble.output()).isPositive();
        assertThat(nginxMaster()).as("a reload keeps nginx's master").isEqualTo(nginxMaster);
    }

    @Test
    @Order(3)
    void aFailedPreflightFailsTheRenewalAtOnceWithoutRunningCertbotAndLeavesNginxAsItWas() throws Exception {
        serve(elsewhere);
        String serial = served().serial();
        Set<String> certbotLogs = certbotLogs();
        int orders = pebbleOrders();
        int reloads = CertsFixture.count(svd.stdout(), "(reload)");
        Set<Long> workers = workers();
        assertThat(workers).isNotEmpty();

        JsonObject failed = failure("renew", JsonObject.builder().put("name", "site").put("force", true).build());
        assertThat(failed.string("code")).isEqualTo("FAILED");
        assertThat(failed.string("message")).matches(Pattern.quote("certificate site: ") + preflightFailure());
        JsonObject site = certificate();
        assertThat(site.object("last_result").string("outcome")).isEqualTo("failed");
        assertThat(site.object("last_result").string("message")).matches(preflightFailure());
        assertThat(site.string("message")).startsWith("pre-flight: http://" + DOMAIN + "/").contains("; next attempt at ");
        assertThat(site.string("next_attempt")).isNotNull();
        assertThat(site.string("serial")).isEqualTo(serial);

        // certbot never ran: each run writes a new letsencrypt.log (the old ones rotated), and pebble got no order
        assertThat(certbotLogs()).isEqualTo(certbotLogs);
        assertThat(pebbleOrders()).as(pebble.output()).isEqualTo(orders);

        // nginx as it was: same master and workers (a reload would replace the workers), not reloaded, same serial served
        assertThat(CertsFixture.count(svd.stdout(), "(reload)")).isEqualTo(reloads);
        assertThat(nginxMaster()).isEqualTo(nginxMaster);
        assertThat(workers()).isEqualTo(workers);
        assertThat(served().serial()).isEqualTo(serial);
        assertThat(health()).isEqualTo(200);
        assertThat(token()).as("the pre-flight's token is removed").isEmpty();
    }

    // ---- helpers ----

    /** The pre-flight's message (ChallengeCheck) for the first domain, through the challenge port. */
    private static String preflightFailure() {
        return Pattern.quote("pre-flight: http://" + DOMAIN + "/.well-known/acme-challenge/") + "svd-preflight-\\S+"
                + Pattern.quote(" via 127.0.0.1:" + httpPort + " returned 404: is nginx serving " + www + "?");
    }

    /** Points nginx's challenge root at {@code root}: a new link renamed over the old one. */
    private static void serve(Path root) throws IOException {
        Path next = dir.resolve("served.next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, root);
        Files.move(next, served, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long nginxMaster() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("nginx/nginx.pid")).trim());
    }

    private static Set<Long> workers() {
        return ProcessHandle.of(nginxMaster).orElseThrow().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static Set<String> certbotLogs() throws IOException {
        try (var files = Files.list(dir.resolve("le/logs"))) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** New orders pebble logged (its WFE logs each new-order request). */
    private static int pebbleOrders() throws IOException {
        String out = pebble.output();
        return CertsFixture.count(out, "POST /order-plz");
    }

    /** Tokens the pre-flight left in the webroot. */
    private static List<Path> token() throws IOException {
        try (var files = Files.list(www.resolve(ChallengeCheck.PATH))) {
            return files.filter(p -> p.getFileName().toString().startsWith("svd-preflight-")).toList();
        }
    }

    private static int health() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/.well-known/acme-challenge/health.txt")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static CertificateFile served() throws IOException {
        return CertsFixture.served(tlsPort);
    }

    private static JsonObject certificate() throws Exception {
        return socket().certificate("site");
    }

    private static JsonObject call(String cmd, JsonObject args) throws Exception {
        return socket().call(cmd, args);
    }

    private static JsonObject failure(String cmd, JsonObject args) throws Exception {
        return socket().failure(cmd, args);
    }

    private static SvdSocket socket() {
        return new SvdSocket(dir.resolve("svd.sock"));
    }
}
