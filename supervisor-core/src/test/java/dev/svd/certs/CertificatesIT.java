package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end on loopback with the real programs: svd (its own JVM) runs nginx and keeps a
 * certificate from Debian's pebble (ACME test server; pebble-challtestsrv answers every DNS query with
 * 127.0.0.1) through Debian's certbot. The steps build on each other, so they share one pebble and one
 * svd and run in order; all ports are chosen free. {@link Pebble} starts pebble; see docs/decisions/0004 §7.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CertificatesIT {
    private static final String DOMAIN = CertsFixture.DOMAIN;
    private static final String BAD = "unreachable." + DOMAIN;
    private static final Duration ISSUE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static int httpPort;
    static int tlsPort;
    static int acmePort;
    static Pebble pebble;
    static SvdProcess svd;
    static Path nginxConf;
    static String goodNginxConf;

    @BeforeAll
    static void startPebbleAndSvd() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nginx workers
        int[] ports = Ports.freePorts(2);
        httpPort = ports[0];
        tlsPort = ports[1];
        pebble = Pebble.start(dir.resolve("pebble"), httpPort);
        acmePort = pebble.acmePort();
        // BAD resolves to an address nginx does not listen on: svd's pre-flight (to 127.0.0.1) passes, pebble's VA fails
        pebble.addA(BAD, "127.0.0.2");

        Path nginx = CertsFixture.nginxDirectory(dir);
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(www.resolve(".well-known/acme-challenge"));
        Files.writeString(www.resolve(".well-known/acme-challenge/health.txt"), "ok\n");
        Path state = dir.resolve("state");
        nginxConf = nginx.resolve("nginx.conf");
        goodNginxConf = CertsFixture.nginxConf(nginx, httpPort, www, tlsPort, state);
        Files.writeString(nginxConf, goodNginxConf);
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, """
                svd { socket = "%1$s/svd.sock", log-dir = "%1$s/logs", state-dir = "%2$s" }
                services.nginx {
                  command = ["nginx", "-p", "%3$s/", "-c", "%4$s", "-g", "daemon off;"]
                  profile = nginx
                  # the first issuance waits for this (the webroot served), not just for the process
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
                  random-delay = 0s   # a missed run then runs at once after start
                  warn-days = 100000  # pebble's certificates last 5 years: always "close to expiry" here
                }
                certificates.bad = ${certificates.site} { domains = [%11$s] }
                """.formatted(dir, state, nginx, nginxConf, DOMAIN, www, acmePort, pebble.caBundle(), httpPort, tlsPort, BAD));
        svd = SvdProcess.start(dir.resolve("svd"), "--config", conf.toString());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        CertsFixture.stopAll(dir, svd, pebble);
    }

    @Test
    @Order(1)
    void fromNoCertificateToPebblesCertificateWithNoStepButStartingSvd() throws Exception {
        assertThat(Files.exists(dir.resolve("le/config/live"))).isFalse();
        try {
            await().atMost(ISSUE).ignoreExceptions().until(() -> served().issuer().contains("Pebble")
                    && certificate().get("last_result") instanceof JsonObject);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no pebble certificate served; svd's output:\n" + svd.stdout() + svd.stderr(), e);
        }
        CertificateFile served = served();
        assertThat(served.subjectNames()).containsExactlyInAnyOrder(DOMAIN, "www." + DOMAIN);
        JsonObject site = certificate();
        assertThat(site.boolOr("placeholder", true)).isFalse();
        assertThat(site.string("serial")).isEqualTo(served.serial());
        assertThat(site.object("last_result").string("outcome")).isEqualTo("issued");
        assertThat(site.boolOr("warning", false)).as("below warn-days").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> events().stream().anyMatch(e ->
                "certificate site".equals(e.string("service")) && e.string("reason").contains("days left (warn-days 100000)")));
        assertThat(svd.stdout()).contains("placeholder (7 days) for " + DOMAIN).contains("nginx: sent SIGHUP");
        assertThat(Files.exists(dir.resolve("state/certs/site/placeholder"))).as("placeholder removed").isFalse();
        assertThat(Files.readSymbolicLink(dir.resolve("state/certs/site/fullchain.pem")))
                .isEqualTo(dir.resolve("le/config/live/site/fullchain.pem"));
    }

    @Test
    @Order(2)
    void aValidationFailureKeepsThePlaceholderAndSaysWhyInTheStatus() throws Exception {
        await().atMost(ISSUE).until(() -> certificate("bad").get("last_result") instanceof JsonObject);
        JsonObject bad = certificate("bad");
        assertThat(bad.boolOr("placeholder", false)).isTrue();
        assertThat(bad.string("issuer")).contains("O=svd placeholder");
        assertThat(bad.string("message")).startsWith("waiting for certificate: the ACME server could not fetch the challenge: "
                + BAD + ": ").contains("127.0.0.2").contains("; next attempt at ");
        assertThat(bad.string("next_attempt")).isNotNull();
        assertThat(Files.exists(dir.resolve("state/certs/bad/placeholder/fullchain.pem"))).isTrue();
    }

    @Test
    @Order(3)
    void forcedRenewalIsServedAndANotDueRenewalReloadsNothing() throws Exception {
        String before = served().serial();
        JsonObject forced = call("renew", JsonObject.builder().put("name", "site").put("force", true).build());
        assertThat(forced.string("outcome")).as(forced.toString()).isEqualTo("renewed");
        assertThat(forced.string("serial")).isNotEqualTo(before);
        assertThat(served().serial()).isEqualTo(forced.string("serial"));

        int reloads = CertsFixture.count(svd.stdout(), "(reload)");
        JsonObject notDue = call("run", JsonObject.builder().put("name", "certificate-site").build()); // the scheduled job
        assertThat(notDue.boolOr("ok", false)).as(notDue.toString()).isTrue();
        assertThat(notDue.string("result")).startsWith("unchanged: not due").contains("nothing was reloaded");
        assertThat(CertsFixture.count(svd.stdout(), "(reload)")).isEqualTo(reloads);
        assertThat(served().serial()).isEqualTo(forced.string("serial"));
    }

    @Test
    @Order(4)
    void brokenNginxConfigAtRenewalRefusesTheReloadAndKeepsServingTheOldCertificate() throws Exception {
        String before = served().serial();
        Files.writeString(nginxConf, goodNginxConf.replace("worker_processes 1;", "worker_processes 1;\nno_such_directive on;"));
        JsonObject failed = failure("renew", JsonObject.builder().put("name", "site").put("force", true).build());
        assertThat(failed.string("code")).isEqualTo("FAILED");
        assertThat(failed.string("message")).contains("reload refused").contains("unknown directive \"no_such_directive\"");
        assertThat(served().serial()).isEqualTo(before);
        JsonObject site = certificate();
        assertThat(site.string("message")).contains("reload refused");
        assertThat(site.string("next_attempt")).isNotNull();

        // fixed: the next run finds the files newer than what is served and reloads, though certbot renews nothing
        Files.writeString(nginxConf, goodNginxConf);
        JsonObject fixed = call("renew", JsonObject.builder().put("name", "site").put("force", false).build());
        assertThat(fixed.string("outcome")).isEqualTo("renewed");
        assertThat(fixed.string("message")).startsWith("serial " + before + " -> " + fixed.string("serial"));
        assertThat(served().serial()).isEqualTo(fixed.string("serial")).isNotEqualTo(before);
    }

    @Test
    @Order(5)
    void acmeServerStoppedFailsWithTheReasonKeepsTheCertificateAndSchedulesTheNextAttempt() throws Exception {
        String before = served().serial();
        pebble.stopAcmeServer();
        JsonObject failed = failure("renew", JsonObject.builder().put("name", "site").put("force", true).build());
        assertThat(failed.string("message")).contains("renewal failed: the ACME server https://127.0.0.1:" + acmePort + "/dir is unreachable")
                .contains("still serving serial " + before);
        assertThat(served().serial()).isEqualTo(before);
        JsonObject site = certificate();
        assertThat(site.string("next_attempt")).isNotNull();
        assertThat(site.string("message")).contains("next attempt at");
        assertThat(site.object("last_result").string("outcome")).isEqualTo("failed");
    }

    @Test
    @Order(6)
    void aRestartedSvdServesTheExistingCertificateAtOnceWithoutAskingTheAcmeServer() throws Exception {
        String before = served().serial();
        svd.signal("TERM");
        assertThat(svd.awaitExit(Duration.ofSeconds(20))).isZero();
        svd.close();
        // the renewal job last ran two days ago: its runs at 00:00 and 12:00 since were missed while svd was down
        java.time.Instant twoDaysAgo = java.time.Instant.now().minus(Duration.ofDays(2));
        Files.writeString(dir.resolve("state/jobs/certificate-site.json"), "{\"job\":\"certificate-site\",\"started\":\""
                + twoDaysAgo + "\",\"ended\":\"" + twoDaysAgo.plusSeconds(3) + "\",\"ok\":true,\"result\":\"unchanged\"}");
        svd = SvdProcess.start(dir.resolve("svd-again"), "--config", dir.resolve("svd.conf").toString());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> served().serial().equals(before));
        assertThat(svd.stdout()).doesNotContain("placeholder (7 days) for " + DOMAIN).doesNotContain("asking https://127.0.0.1:"
                + acmePort + "/dir for " + DOMAIN);
        assertThat(certificate().boolOr("placeholder", true)).isFalse();
        // the missed renewal runs once nginx is ready after start; not due, so certbot asks no one (pebble is down)
        await().atMost(Duration.ofSeconds(30)).until(() -> certificate().get("last_result") instanceof JsonObject);
        assertThat(svd.stdout()).contains("job certificate-site: its run of").contains("was missed while svd was down");
        assertThat(certificate().object("last_result").string("outcome")).isEqualTo("unchanged");
        assertThat(served().serial()).isEqualTo(before);
    }

    // ---- helpers ----

    private static CertificateFile served() throws IOException {
        return CertsFixture.served(tlsPort);
    }

    private static JsonObject certificate() throws Exception {
        return certificate("site");
    }

    private static JsonObject certificate(String name) throws Exception {
        return socket().certificate(name);
    }

    private static JsonObject call(String cmd, JsonObject args) throws Exception {
        return socket().call(cmd, args);
    }

    private static JsonObject failure(String cmd, JsonObject args) throws Exception {
        return socket().failure(cmd, args);
    }

    private static List<JsonObject> events() throws Exception {
        return socket().events();
    }

    private static SvdSocket socket() {
        return new SvdSocket(dir.resolve("svd.sock"));
    }
}
