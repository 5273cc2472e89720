package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state of a certificate in words, as svctl certs shows it. */
class CertificateStatusTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static CertificateFile file(boolean placeholder, Duration left) {
        return new CertificateFile(List.of("a.test", "www.a.test"), "CN=a.test", "CN=Pebble Intermediate CA 1",
                NOW.minus(Duration.ofDays(1)), NOW.plus(left), "1A", "AB", placeholder);
    }

    private static RenewalResult failed(String why) {
        return new RenewalResult("site", RenewalResult.Outcome.FAILED, why, "", NOW, Duration.ofSeconds(3));
    }

    @Test
    void aPlaceholderWaitsForTheCertificateWithTheCauseAndTheNextAttempt() {
        CertificateStatus s = CertificateStatus.of(CertbotTest.SPEC, Optional.of(file(true, Duration.ofDays(7))), "",
                Optional.of(failed("the ACME server could not fetch the challenge: a.test: returned 404")),
                Optional.of(NOW.plus(Duration.ofHours(1))), NOW);
        assertThat(s.placeholder()).isTrue();
        assertThat(s.warning()).isTrue();
        assertThat(s.message()).isEqualTo("waiting for certificate: the ACME server could not fetch the challenge: a.test:"
                + " returned 404; next attempt at 2026-11-25T13:00:00Z");
    }

    @Test
    void aRealCertificateIsValidForItsDaysAndWarnsBelowWarnDays() {
        CertificateStatus fine = CertificateStatus.of(CertbotTest.SPEC, Optional.of(file(false, Duration.ofDays(60))), "",
                Optional.empty(), Optional.empty(), NOW);
        assertThat(fine.message()).isEqualTo("valid for 60 days");
        assertThat(fine.warning()).isFalse();
        CertificateStatus low = CertificateStatus.of(CertbotTest.SPEC, Optional.of(file(false, Duration.ofDays(9))), "",
                Optional.empty(), Optional.empty(), NOW);
        assertThat(low.message()).isEqualTo("valid for 9 days (below warn-days 14)");
        assertThat(low.warning()).isTrue();
        assertThat(low.daysLeft()).isEqualTo(9);
    }

    @Test
    void aFailedRenewalOfARealCertificateShowsTheFailure() {
        CertificateStatus s = CertificateStatus.of(CertbotTest.SPEC, Optional.of(file(false, Duration.ofDays(60))), "",
                Optional.of(failed("renewal failed: the ACME server https://x/dir is unreachable")),
                Optional.of(NOW.plus(Duration.ofHours(2))), NOW);
        assertThat(s.message()).isEqualTo("renewal failed: the ACME server https://x/dir is unreachable;"
                + " next attempt at 2026-11-25T14:00:00Z");
        assertThat(s.warning()).isFalse();
    }

    @Test
    void noFileSaysWhyWhenPreparingFailed() {
        assertThat(CertificateStatus.of(CertbotTest.SPEC, Optional.empty(), "no certificate: openssl could not make a"
                + " placeholder certificate: exited 1", Optional.empty(), Optional.empty(), NOW).message())
                .isEqualTo("no certificate: openssl could not make a placeholder certificate: exited 1");
    }

    @Test
    void issue11ExistingFilesSayWhereTheyCameFromAndThatCertbotsCertificateIsNotInstalled() {
        CertificateFile bought = new CertificateFile(List.of("a.test"), "CN=a.test,O=Example", "CN=Some CA", NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(29)), "5107AB0C", "CD", false);
        CertificateStatus s = CertificateStatus.of(CertbotTest.SPEC, Optional.of(bought), true, "", Optional.empty(),
                Optional.empty(), NOW);
        assertThat(s.source()).isEqualTo(CertificateStatus.Source.EXISTING);
        assertThat(s.placeholder()).isFalse();
        assertThat(s.daysLeft()).isEqualTo(29);
        assertThat(s.message()).isEqualTo("existing files, not issued by svd (subject CN=a.test,O=Example): valid for 29 days");
        RenewalResult notInstalled = new RenewalResult("site", RenewalResult.Outcome.NOT_INSTALLED,
                "issued /le/live/site/fullchain.pem (serial 1A, until 2031-11-25T12:00:00Z), not installed: ...", "5107AB0C",
                NOW, Duration.ofSeconds(3));
        assertThat(notInstalled.ok()).isTrue();
        assertThat(CertificateStatus.of(CertbotTest.SPEC, Optional.of(bought), true, "", Optional.of(notInstalled),
                Optional.empty(), NOW).message()).isEqualTo("existing files, not issued by svd (subject CN=a.test,O=Example):"
                + " valid for 29 days; certbot's certificate issued /le/live/site/fullchain.pem (serial 1A, until"
                + " 2031-11-25T12:00:00Z), not installed: ...");
        // a placeholder-like subject in the operator's own file does not make it svd's placeholder
        CertificateFile copied = new CertificateFile(List.of("a.test"), "O=svd placeholder,CN=a.test", "O=svd placeholder,CN=a.test",
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6)), "2B", "EF", true);
        assertThat(CertificateStatus.of(CertbotTest.SPEC, Optional.of(copied), true, "", Optional.empty(), Optional.empty(), NOW)
                .source()).isEqualTo(CertificateStatus.Source.EXISTING);
    }
}
