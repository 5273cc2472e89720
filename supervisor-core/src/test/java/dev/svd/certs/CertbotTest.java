package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.CertificateSpec;
import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** certbot's command lines, and its real failure output (certbot 2.1 against pebble 2.4) turned into one reason. */
class CertbotTest {
    static final CertificateSpec SPEC = new CertificateSpec("site", List.of("a.test", "www.a.test"), Path.of("/w"),
            Path.of("/s/fullchain.pem"), Path.of("/s/privkey.pem"), List.of("nginx"), URI.create("https://127.0.0.1:14000/dir"),
            Optional.empty(), new CertificateSpec.CertbotDirs(Path.of("/le/c"), Path.of("/le/w"), Path.of("/le/l")),
            Optional.of(Path.of("/ca.pem")), "0 0,12 * * *", Duration.ofHours(12), new ProbeCheck.HostPort("127.0.0.1", 8081),
            new ProbeCheck.HostPort("127.0.0.1", 8443), 14, new Origin("svd.conf", 1));

    private static final String REFUSED = """
            Saving debug log to /le/l/letsencrypt.log
            Account registered.
            Requesting a certificate for a.test and www.a.test

            Certbot failed to authenticate some domains (authenticator: webroot). The Certificate Authority reported these problems:
              Domain: www.a.test
              Type:   connection
              Detail: Get "http://www.a.test:28081/.well-known/acme-challenge/1vzG": dial tcp 127.0.0.1:28081: connect: connection refused

              Domain: a.test
              Type:   connection
              Detail: Get "http://a.test:28081/.well-known/acme-challenge/RPJE": dial tcp 127.0.0.1:28081: connect: connection refused

            Hint: The Certificate Authority failed to download the temporary challenge files created by Certbot. Ensure that the listed domains serve their content from the provided --webroot-path/-w and that files created there can be downloaded from the internet.

            Some challenges have failed.
            Ask for help or search for solutions at https://community.letsencrypt.org. See the logfile /le/l/letsencrypt.log or re-run Certbot with -v for more details.
            """;

    private static final String NOT_FOUND = """
            Certbot failed to authenticate some domains (authenticator: webroot). The Certificate Authority reported these problems:
              Domain: a.test
              Type:   unauthorized
              Detail: Non-200 status code from HTTP: http://a.test:28081/.well-known/acme-challenge/2F2q returned 404

            Some challenges have failed.
            """;

    private static final String SERVER_DOWN = """
            Saving debug log to /le/l/letsencrypt.log
            An unexpected error occurred:
            ValueError: Requesting 127.0.0.1/dir: Connection refused
            Ask for help or search for solutions at https://community.letsencrypt.org. See the logfile /le/l/letsencrypt.log or re-run Certbot with -v for more details.
            """;

    @Test
    void certonlyIsNonInteractiveWebrootWithEveryDomainAndNoEmail() {
        assertThat(String.join(" ", Certbot.certonly(SPEC))).isEqualTo("certbot certonly --non-interactive"
                + " --config-dir /le/c --work-dir /le/w --logs-dir /le/l --server https://127.0.0.1:14000/dir"
                + " --webroot -w /w -d a.test -d www.a.test --cert-name site --agree-tos --register-unsafely-without-email");
    }

    @Test
    void renewNeverSleepsAtRandomAndForcesOnlyWhenAsked() {
        assertThat(Certbot.renew(SPEC, false)).contains("--no-random-sleep-on-renew", "--cert-name", "site")
                .doesNotContain("--force-renewal");
        assertThat(Certbot.renew(SPEC, true)).endsWith("--force-renewal");
    }

    @Test
    void certbotTrustsTheConfiguredCaThroughRequestsCaBundle() {
        assertThat(Certbot.request(SPEC, List.of("certbot")).environment()).containsEntry("REQUESTS_CA_BUNDLE", "/ca.pem");
    }

    @Test
    void validationFailuresNameEachDomainAndTheCasDetail() {
        assertThat(Certbot.explain(REFUSED, "https://127.0.0.1:14000/dir")).isEqualTo(
                "the ACME server could not fetch the challenge: www.a.test: Get \"http://www.a.test:28081/.well-known/"
                        + "acme-challenge/1vzG\": dial tcp 127.0.0.1:28081: connect: connection refused; a.test: Get "
                        + "\"http://a.test:28081/.well-known/acme-challenge/RPJE\": dial tcp 127.0.0.1:28081: connect: connection refused");
        assertThat(Certbot.explain(NOT_FOUND, "x")).isEqualTo("the ACME server could not fetch the challenge: a.test: "
                + "Non-200 status code from HTTP: http://a.test:28081/.well-known/acme-challenge/2F2q returned 404");
    }

    @Test
    void anUnreachableAcmeServerIsNamed() {
        assertThat(Certbot.explain(SERVER_DOWN, "https://127.0.0.1:14000/dir")).isEqualTo(
                "the ACME server https://127.0.0.1:14000/dir is unreachable: ValueError: Requesting 127.0.0.1/dir: Connection refused");
    }

    @Test
    void aRenewalErrorLineIsTheCause() {
        assertThat(Certbot.explain("Failed to renew certificate site with error: urn:ietf:params:acme:error:accountDoesNotExist"
                + ": unable to find existing account\nAll renewals failed.\n", "https://x/dir"))
                .startsWith("the ACME server https://x/dir does not know certbot's account");
    }
}
