package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates block: defaults, and one kind of bad value per test with its message and line. */
class CertificateProblemsTest {
    private final Path dir;
    private final ConfigFiles files;
    private final Path webroot;

    CertificateProblemsTest(@TempDir Path dir) throws Exception {
        this.dir = dir;
        this.files = new ConfigFiles(dir);
        this.webroot = Files.createDirectories(dir.resolve("www"));
    }

    /** A config with nginx and gunicorn services and one certificate whose body is {@code body} (from line 3). */
    private String config(String body) {
        return "svd.state-dir = \"/var/lib/svd\"\nservices { nginx.command = [nginx], gunicorn.command = [gunicorn] }\n"
                + "certificates.site {\n" + body + "\n}\n";
    }

    private String valid() {
        return "  domains = [totheballpark.info, www.totheballpark.info]\n  webroot = \"" + webroot + "\"\n  reload = [nginx]";
    }

    @Test
    void aMinimalBlockGetsSvdOwnedPathsAndCertbotsDefaults() throws Exception {
        CertificateSpec c = files.load(config(valid())).certificates().get("site");
        assertThat(c.domains()).containsExactly("totheballpark.info", "www.totheballpark.info");
        assertThat(c.cert()).isEqualTo(Path.of("/var/lib/svd/certs/site/fullchain.pem"));
        assertThat(c.key()).isEqualTo(Path.of("/var/lib/svd/certs/site/privkey.pem"));
        assertThat(c.acmeServer()).isEqualTo(URI.create("https://acme-v02.api.letsencrypt.org/directory"));
        assertThat(c.certbotDirs().config()).isEqualTo(Path.of("/etc/letsencrypt"));
        assertThat(c.httpCheck()).hasToString("127.0.0.1:8081");
        assertThat(c.tlsCheck()).hasToString("127.0.0.1:8443");
        assertThat(c.schedule()).isEqualTo("0 0,12 * * *");
        assertThat(c.randomDelay()).isEqualTo(Duration.ofHours(12));
        assertThat(c.warnDays()).isEqualTo(14);
        assertThat(c.email()).isEmpty();
        assertThat(c.origin().line()).isEqualTo(3);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        CertificateSpec c = files.load(config(valid() + "\n  acme-server = \"https://127.0.0.1:14000/dir\", email = \"a@b.test\""
                + "\n  cert = \"/srv/tls/site.pem\", key = \"/srv/tls/site.key\", ca-bundle = \"" + ca + "\""
                + "\n  certbot-dirs { config = /le/config, work = /le/work, logs = /le/logs }"
                + "\n  http-check = \"[::1]:18081\", tls-check = \"localhost:18443\", warn-days = 20"
                + "\n  schedule = \"@daily\", random-delay = 1h")).certificates().get("site");
        assertThat(c.acmeServer()).hasToString("https://127.0.0.1:14000/dir");
        assertThat(c.email()).contains("a@b.test");
        assertThat(c.cert()).isEqualTo(Path.of("/srv/tls/site.pem"));
        assertThat(c.caBundle()).contains(ca);
        assertThat(c.certbotDirs()).isEqualTo(new CertificateSpec.CertbotDirs(Path.of("/le/config"), Path.of("/le/work"),
                Path.of("/le/logs")));
        assertThat(c.httpCheck()).isEqualTo(new ProbeCheck.HostPort("::1", 18081));
        assertThat(c.tlsCheck()).isEqualTo(new ProbeCheck.HostPort("localhost", 18443));
        assertThat(c.warnDays()).isEqualTo(20);
        assertThat(c.schedule()).isEqualTo("@daily");
        assertThat(c.randomDelay()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void missingDomainsAndWebrootAreNamed() {
        assertThat(files.problems(config("  reload = [nginx]"))).containsExactly(
                files.at(3) + "certificates.site.domains: missing: the names the certificate is for, such as"
                        + " [totheballpark.info, www.totheballpark.info]",
                files.at(3) + "certificates.site.webroot: missing: the directory nginx serves /.well-known/acme-challenge/"
                        + " from, such as \"/var/www/certbot\"");
    }

    @Test
    void badDomainsAreNamedOneByOne() {
        assertThat(files.problems(config("  domains = [\"*.a.test\", a.test, A.test]\n  webroot = \"" + webroot + "\"")))
                .containsExactly(
                        files.at(4) + "certificates.site.domains: \"*.a.test\" is not a domain name (HTTP-01 needs names"
                                + " such as www.example.org, no wildcards)",
                        files.at(4) + "certificates.site.domains: lists \"A.test\" twice");
    }

    @Test
    void reloadMustNameServicesWithASuggestion() {
        assertThat(files.problems(config(valid().replace("[nginx]", "[ngnix]")))).containsExactly(
                files.at(6) + "certificates.site.reload: no service \"ngnix\" (did you mean \"nginx\"?)");
    }

    @Test
    void webrootMustBeAnExistingDirectory() {
        assertThat(files.problems(config(valid().replace(webroot.toString(), webroot + "/nope")))).containsExactly(
                files.at(5) + "certificates.site.webroot: " + webroot + "/nope does not exist");
    }

    @Test
    void acmeServerMustBeAUrl() {
        assertThat(files.problems(config(valid() + "\n  acme-server = \"letsencrypt\""))).containsExactly(
                files.at(7) + "certificates.site.acme-server: expected the URL of an ACME directory such as"
                        + " https://acme-v02.api.letsencrypt.org/directory (was \"letsencrypt\")");
    }

    @Test
    void checksAreHostAndPort() {
        assertThat(files.problems(config(valid() + "\n  http-check = \"127.0.0.1\"\n  tls-check = \"127.0.0.1:99999\"")))
                .containsExactly(
                        files.at(7) + "certificates.site.http-check: expected host:port such as \"127.0.0.1:8081\" or \"[::1]:8443\", port 1-65535 (was \"127.0.0.1\")",
                        files.at(8) + "certificates.site.tls-check: expected host:port such as \"127.0.0.1:8443\" or \"[::1]:8443\", port 1-65535 (was \"127.0.0.1:99999\")");
    }

    @Test
    void svdNeverWritesInsideCertbotsLiveDirectory() {
        assertThat(files.problems(config(valid() + "\n  cert = \"/etc/letsencrypt/live/site/fullchain.pem\"")))
                .containsExactly(files.at(7) + "certificates.site.cert: /etc/letsencrypt/live/site/fullchain.pem is inside"
                        + " certbot's live/ directory: svd owns this path and points it at certbot's files; leave it out to"
                        + " use /var/lib/svd/certs/site");
    }

    @Test
    void anExistingValidPairIsAccepted() throws Exception {
        Path cert = ExistingPairTest.resource(dir, "valid-ec.pem");
        Path key = ExistingPairTest.resource(dir, "valid-ec.key");
        CertificateSpec c = files.load(config(valid() + "\n  cert = \"" + cert + "\"\n  key = \"" + key + "\""))
                .certificates().get("site");
        assertThat(c.cert()).isEqualTo(cert);
    }

    @Test
    void issue11AnExpiredExistingCertificateIsRefusedAtItsCertLine() throws Exception {
        Path cert = ExistingPairTest.resource(dir, "expired.pem");
        Path key = ExistingPairTest.resource(dir, "expired.key");
        assertThat(files.problems(config(valid() + "\n  cert = \"" + cert + "\"\n  key = \"" + key + "\""))).singleElement()
                .asString().startsWith(files.at(7) + "certificates.site.cert: " + cert + " is a certificate svd did not create"
                        + " (subject O=Operator Test,CN=shop.test, serial E1D), and it expired at 2020-02-01T00:00:00Z");
    }

    @Test
    void issue11AKeyThatIsNotTheCertificatesIsRefusedAtItsKeyLine() throws Exception {
        Path cert = ExistingPairTest.resource(dir, "valid-ec.pem");
        Path key = ExistingPairTest.resource(dir, "other-ec.key");
        assertThat(files.problems(config(valid() + "\n  cert = \"" + cert + "\"\n  key = \"" + key + "\""))).singleElement()
                .asString().startsWith(files.at(8) + "certificates.site.key: " + key + " is a file svd did not create, and it is"
                        + " not the private key of this certificate");
    }

    @Test
    void svdsPlaceholderDirectoryIsNotACertPath() {
        assertThat(files.problems(config(valid() + "\n  key = \"/var/lib/svd/certs/site/placeholder/privkey.pem\"")))
                .containsExactly(files.at(7) + "certificates.site.key: /var/lib/svd/certs/site/placeholder/privkey.pem is inside"
                        + " svd's placeholder directory /var/lib/svd/certs/site/placeholder, which svd replaces and removes; leave"
                        + " it out to use /var/lib/svd/certs/site");
    }

    @Test
    void relativePathsAndUnknownKeys() {
        assertThat(files.problems(config(valid() + "\n  key = site.key\n  warn-day = 3"))).containsExactly(
                files.at(7) + "certificates.site.key: expected an absolute path (was \"site.key\")",
                files.at(8) + "certificates.site.warn-day: unknown key (did you mean \"warn-days\"?)");
    }

    @Test
    void certificateNameIsCertbotsCertName() {
        assertThat(files.problems("services.nginx.command = [nginx]\ncertificates { \"my site\" { domains = [a.test], webroot = \""
                + webroot + "\" } }\n")).containsExactly(files.at(2) + "certificates.\"my site\": a certificate name must start"
                + " with a letter or digit and have only letters, digits, \".\", \"_\" and \"-\" (it is certbot's --cert-name)");
    }

    @Test
    void theScheduleIsACrontab() {
        assertThat(files.problems(config(valid() + "\n  schedule = \"twice a day\""))).singleElement().asString()
                .startsWith(files.at(7) + "certificates.site.schedule: expected a crontab schedule such as \"0 0,12 * * *\""
                        + " (was \"twice a day\"): ");
    }

    @Test
    void aJobMayNotTakeTheRenewalJobsName() {
        assertThat(files.problems(config(valid()) + "jobs.certificate-site { schedule = \"@daily\", command = [nginx] }\n"))
                .containsExactly(files.at(8) + "jobs.certificate-site: the name of certificate site's renewal job: name this"
                        + " job otherwise");
    }

    @Test
    void noCertificatesBlockMeansNone() throws Exception {
        assertThat(files.load("services.nginx.command = [nginx]\n").certificates()).isEmpty();
        assertThat(List.copyOf(files.load(config(valid())).certificates().keySet())).containsExactly("site");
    }
}
