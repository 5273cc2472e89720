package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.control.SvctlProcess;
import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, point 3: a certificate block whose cert and key name files svd did not create (a certificate bought
 * elsewhere, or copied from the old host). A valid pair is served as it is by the real nginx under svd, also after
 * certbot (with Debian's pebble) has issued one, and listed by svctl; an expired or mismatched pair is refused at
 * {@code svd --check} and at start with the line of cert or key and exit 78. In every case the operator's files keep
 * their bytes and inode and are never replaced by a link. The pairs are made with openssl here.
 */
class ExistingCertificateIT {
    private static final String DOMAIN = CertsFixture.DOMAIN;
    /** The operator's serial, so the test knows the certificate nginx serves is theirs. */
    private static final String SERIAL = "5107AB0C";

    @TempDir
    Path dir;

    @Test
    void issue11AValidExistingPairIsServedAndListedAndNeverReplacedAlsoAfterCertbotIssuedOne() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nginx workers
        Path cert = dir.resolve("bought/site.pem");
        Path key = dir.resolve("bought/site.key");
        validPair(cert, key);
        Fingerprint before = new Fingerprint(cert, key);
        int[] ports = Ports.freePorts(2);
        int httpPort = ports[0];
        int tlsPort = ports[1];
        Pebble pebble = null;
        SvdProcess svd = null;
        try {
            pebble = Pebble.start(dir.resolve("pebble"), httpPort);
            Path conf = config(httpPort, tlsPort, cert, key, pebble);
            svd = SvdProcess.start(dir.resolve("svd"), "--config", conf.toString());
            SvdSocket socket = new SvdSocket(dir.resolve("svd.sock"));
            SvdProcess running = svd;
            try {
                // the first issuance runs once nginx is ready: certbot issues into live/site, svd leaves the files alone
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> socket.certificate("site")
                        .get("last_result") instanceof JsonObject);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no first run; svd's output:\n" + running.stdout() + running.stderr(), e);
            }
            assertThat(CertsFixture.served(tlsPort).serial()).as("nginx serves the operator's certificate").isEqualTo(SERIAL);
            JsonObject site = socket.certificate("site");
            Path live = dir.resolve("le/config/live/site/fullchain.pem");
            assertThat(site.object("last_result").string("outcome")).as(site.toString()).isEqualTo("not_installed");
            assertThat(site.object("last_result").string("message")).startsWith("issued " + live + " (serial ")
                    .contains("not installed: " + cert + " and " + key + " are files svd did not create");
            assertThat(CertificateFile.read(live)).hasValueSatisfying(c -> assertThat(c.issuer()).contains("Pebble"));
            before.assertUntouched();
            assertThat(svd.stdout()).contains("certificate site: serving the existing files " + cert + " and " + key)
                    .doesNotContain("placeholder (7 days)").doesNotContain("(reload)");
            assertThat(Files.exists(dir.resolve("state/certs/site/placeholder"))).isFalse();

            try (SvctlProcess svctl = new SvctlProcess(dir.resolve("svd.sock"))) {
                SvctlProcess.Result json = svctl.run("certs", "--json");
                assertThat(json.exit()).as(json.err()).isZero();
                JsonObject listed = (JsonObject) ((JsonObject) JsonParser.parse(json.out().strip())).array("certificates").items().get(0);
                assertThat(listed.string("source")).isEqualTo("existing");
                assertThat(listed.string("serial")).isEqualTo(SERIAL);
                assertThat(listed.string("subject")).isEqualTo("CN=" + DOMAIN + ",O=Operator Test");
                assertThat(listed.boolOr("placeholder", true)).isFalse();
                assertThat(listed.longOr("days_left", -1)).isBetween(28L, 29L);
                assertThat(listed.string("not_after")).isNotNull();
                SvctlProcess.Result table = svctl.run("certs");
                assertThat(table.exit()).as(table.out() + table.err()).isZero();
                assertThat(table.out()).contains(SERIAL).contains(listed.string("not_after"))
                        .contains("existing files, not issued by svd (subject CN=" + DOMAIN + ",O=Operator Test): valid for")
                        .contains("not installed");

                // a name that is no certificate: exit 4, and the hint names the list of certificates
                SvctlProcess.Result unknown = svctl.run("certs", "renew", "sit");
                assertThat(unknown.exit()).as(unknown.out() + unknown.err()).isEqualTo(4);
                assertThat(unknown.err()).isEqualTo("svctl: no certificate \"sit\" (configured: site)\n"
                        + "svctl: hint: svctl certs lists the configured certificates\n");

                // a forced renewal renews certbot's lineage, and still installs nothing
                SvctlProcess.Result renewed = svctl.run("certs", "renew", "site", "--force");
                assertThat(renewed.exit()).as(renewed.out() + renewed.err()).isZero();
                assertThat(renewed.out()).startsWith("site: not_installed: renewed in " + live);
            }
            assertThat(CertsFixture.served(tlsPort).serial()).isEqualTo(SERIAL);
            assertThat(svd.stdout()).doesNotContain("(reload)");
            before.assertUntouched();
        } finally {
            CertsFixture.stopAll(dir, svd, pebble);
        }
        before.assertUntouched();
    }

    @Test
    void issue11AnExpiredExistingPairIsRefusedAtCheckAndAtStartAndLeftUntouched() throws Exception {
        Path cert = dir.resolve("old/site.pem");
        Path key = dir.resolve("old/site.key");
        expiredPair(cert, key);
        refused(cert, key, 5, "certificates.site.cert: " + cert + " is a certificate svd did not create (subject O=Operator Test,CN="
                + DOMAIN + ", serial E1D), and it expired at 2020-02-01T00:00:00Z; svd never replaces or deletes a"
                + " file it did not create");
    }

    @Test
    void issue11AKeyThatIsNotTheCertificatesIsRefusedAtCheckAndAtStartAndLeftUntouched() throws Exception {
        Path cert = dir.resolve("bought/site.pem");
        Path key = dir.resolve("bought/site.key");
        validPair(cert, key);
        openssl(dir, "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", key.toString());
        refused(cert, key, 6, "certificates.site.key: " + key + " is a file svd did not create, and it is not the private"
                + " key of this certificate");
    }

    @Test
    void issue11GarbageAtCertIsRefusedAndLeftUntouched() throws Exception {
        Path cert = Files.createDirectories(dir.resolve("bought")).resolve("site.pem");
        Path key = dir.resolve("bought/site.key");
        validPair(cert, key);
        Files.writeString(cert, "copied from the old host, but truncated\n");
        refused(cert, key, 5, "certificates.site.cert: " + cert + " is a file svd did not create, and it holds no PEM"
                + " certificate");
    }

    /** {@code svd --check} and svd's start both exit 78 naming FILE:LINE, and leave cert and key as they were. */
    private void refused(Path cert, Path key, int line, String message) throws Exception {
        Fingerprint before = new Fingerprint(cert, key);
        Path conf = config(1, 2, cert, key, null);
        String expected = conf + ":" + line + ": " + message;
        try (SvdProcess check = SvdProcess.start(dir.resolve("check"), "--check", conf.toString())) {
            assertThat(check.awaitExit(Duration.ofSeconds(30))).as(check.stdout() + check.stderr()).isEqualTo(78);
            assertThat(check.stdout() + check.stderr()).contains(expected);
        }
        before.assertUntouched();
        try (SvdProcess start = SvdProcess.start(dir.resolve("start"), "--config", conf.toString())) {
            assertThat(start.awaitExit(Duration.ofSeconds(30))).as(start.stdout() + start.stderr()).isEqualTo(78);
            assertThat(start.stdout() + start.stderr()).contains(expected);
        }
        before.assertUntouched();
        assertThat(Files.exists(dir.resolve("state/certs/site/placeholder"))).as("no placeholder made").isFalse();
    }

    private Path config(int httpPort, int tlsPort, Path cert, Path key, Pebble pebble) throws IOException {
        Path nginx = CertsFixture.nginxDirectory(dir);
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(www.resolve(".well-known/acme-challenge"));
        Files.writeString(www.resolve(".well-known/acme-challenge/health.txt"), "ok\n");
        Path nginxConf = Files.writeString(nginx.resolve("nginx.conf"),
                CertsFixture.nginxConf(nginx, httpPort, www, tlsPort, cert, key));
        // cert is on line 5 and key on line 6: the refusals name them
        return Files.writeString(dir.resolve("svd.conf"), """
                svd { socket = "%1$s/svd.sock", log-dir = "%1$s/logs", state-dir = "%1$s/state" }
                certificates.site {
                  domains = [%2$s, www.%2$s]
                  webroot = "%3$s"
                  cert = "%4$s"
                  key = "%5$s"
                  reload = [nginx]
                  acme-server = "%6$s"
                  %7$s
                  certbot-dirs { config = "%1$s/le/config", work = "%1$s/le/work", logs = "%1$s/le/logs" }
                  http-check = "127.0.0.1:%8$d"
                  tls-check = "127.0.0.1:%9$d"
                }
                services.nginx {
                  command = ["nginx", "-p", "%10$s/", "-c", "%11$s", "-g", "daemon off;"]
                  profile = nginx
                  ready { http { url = "http://127.0.0.1:%8$d/.well-known/acme-challenge/health.txt" } }
                }
                """.formatted(dir, DOMAIN, www, cert, key, pebble == null ? "https://127.0.0.1:1/dir" : pebble.directory(),
                pebble == null ? "" : "ca-bundle = \"" + pebble.caBundle() + "\"", httpPort, tlsPort, nginx, nginxConf));
    }

    /** A self-signed EC pair for the domains, 30 days, serial {@link #SERIAL}, as an operator might have bought it. */
    private void validPair(Path cert, Path key) throws Exception {
        Files.createDirectories(cert.getParent());
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30",
                "-set_serial", "0x" + SERIAL, "-subj", "/O=Operator Test/CN=" + DOMAIN,
                "-addext", "subjectAltName=DNS:" + DOMAIN + ",DNS:www." + DOMAIN, "-keyout", key.toString(), "-out", cert.toString());
    }

    /**
     * A pair that expired on 2020-02-01: openssl 3.0's {@code x509}/{@code req} have no not-before/not-after options,
     * so {@code openssl ca -selfsign} with {@code -startdate}/{@code -enddate} and a minimal CA config signs it.
     */
    private void expiredPair(Path cert, Path key) throws Exception {
        Path ca = Files.createDirectories(dir.resolve("ca"));
        Files.createDirectories(cert.getParent());
        Files.writeString(ca.resolve("ca.cnf"), """
                [ca]
                default_ca = d
                [d]
                database = index.txt
                new_certs_dir = .
                serial = serial
                default_md = sha256
                policy = p
                copy_extensions = copy
                [p]
                commonName = supplied
                organizationName = optional
                """);
        Files.writeString(ca.resolve("index.txt"), "");
        Files.writeString(ca.resolve("serial"), "0E1D\n");
        openssl(ca, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/O=Operator Test/CN=" + DOMAIN, "-keyout", key.toString(), "-out", "site.csr");
        openssl(ca, "ca", "-batch", "-notext", "-config", "ca.cnf", "-selfsign", "-keyfile", key.toString(), "-in", "site.csr",
                "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-out", cert.toString());
    }

    private static void openssl(Path in, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(in.toFile()).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    /** The bytes and inodes of the operator's files, to show svd neither rewrote nor replaced them. */
    private record Fingerprint(Path cert, Path key, String certSum, String keySum, Object certInode, Object keyInode) {
        Fingerprint(Path cert, Path key) throws Exception {
            this(cert, key, sum(cert), sum(key), inode(cert), inode(key));
        }

        void assertUntouched() throws Exception {
            for (Path p : List.of(cert, key)) {
                assertThat(Files.isSymbolicLink(p)).as(p + " replaced by a link").isFalse();
                assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).as(p + " still a regular file").isTrue();
            }
            assertThat(sum(cert)).as(cert + " bytes").isEqualTo(certSum);
            assertThat(sum(key)).as(key + " bytes").isEqualTo(keySum);
            assertThat(inode(cert)).as(cert + " inode").isEqualTo(certInode);
            assertThat(inode(key)).as(key + " inode").isEqualTo(keyInode);
        }

        static String sum(Path p) throws Exception {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        }

        static Object inode(Path p) throws IOException {
            return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        }
    }
}
