package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.svd.certs.CertificateControl;
import dev.svd.certs.CertificateFile;
import dev.svd.certs.CertificateStatus;
import dev.svd.certs.RenewalResult;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** certs and renew answers, against a fixed set of certificates. */
class CertsHandlersTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final RenewalResult RENEWED = new RenewalResult("site", RenewalResult.Outcome.RENEWED,
            "serial 1A -> 2B until 2031-11-25T12:00:00Z, served by nginx", "2B", NOW, Duration.ofMillis(2500));
    private static final RenewalResult FAILED = new RenewalResult("site", RenewalResult.Outcome.FAILED,
            "renewal failed: the ACME server https://x/dir is unreachable", "", NOW, Duration.ofMillis(700));

    private static CertificateControl certificates(RenewalResult answer) {
        CertificateFile file = new CertificateFile(List.of("a.test"), "CN=a.test", "CN=Pebble Intermediate CA 1", NOW,
                NOW.plus(Duration.ofDays(90)), "2B", "AB", false);
        CertificateStatus status = new CertificateStatus("site", List.of("a.test"), Optional.of(file), false, 90, false,
                "valid for 90 days", Optional.of(RENEWED), Optional.empty(), CertificateStatus.Source.CERTBOT);
        return new CertificateControl() {
            @Override
            public List<CertificateStatus> certificates() {
                return List.of(status);
            }

            @Override
            public CompletableFuture<RenewalResult> renew(String name, boolean force) {
                return name.equals("site") ? CompletableFuture.completedFuture(answer)
                        : CompletableFuture.failedFuture(new IllegalArgumentException("no certificate \"" + name + "\""));
            }
        };
    }

    @Test
    void certsListsTheServedCertificateAndTheLastResult() {
        JsonObject result = new CertsHandler(certificates(RENEWED), Clock.fixed(NOW, ZoneOffset.UTC)).handle(JsonObject.EMPTY, null);
        assertThat(result.toJson()).isEqualTo("{\"certificates\":[{\"name\":\"site\",\"domains\":[\"a.test\"],"
                + "\"placeholder\":false,\"warning\":false,\"days_left\":90,\"message\":\"valid for 90 days\","
                + "\"source\":\"certbot\",\"subject_names\":[\"a.test\"],\"subject\":\"CN=a.test\",\"issuer\":\"CN=Pebble Intermediate CA 1\",\"serial\":\"2B\","
                + "\"not_after\":\"2027-02-23T12:00:00Z\",\"sha256\":\"AB\",\"last_result\":{\"name\":\"site\","
                + "\"outcome\":\"renewed\",\"ok\":true,\"message\":\"serial 1A -> 2B until 2031-11-25T12:00:00Z, served by nginx\","
                + "\"serial\":\"2B\",\"at\":\"2026-11-25T12:00:00Z\",\"took_ms\":2500},\"next_attempt\":null}],"
                + "\"now\":\"2026-11-25T12:00:00Z\"}");
    }

    @Test
    void renewAnswersTheResult() throws Exception {
        JsonObject result = new RenewHandler(certificates(RENEWED)).handle(
                JsonObject.builder().put("name", "site").put("force", true).build(), null);
        assertThat(result.object("result").string("outcome")).isEqualTo("renewed");
    }

    @Test
    void aFailedRunIsFailedWithItsCause() {
        RequestException e = catchThrowableOfType(RequestException.class, () -> new RenewHandler(certificates(FAILED))
                .handle(JsonObject.builder().put("name", "site").build(), null));
        assertThat(e.error().code()).isEqualTo(ErrorCode.FAILED);
        assertThat(e.getMessage()).isEqualTo("certificate site: renewal failed: the ACME server https://x/dir is unreachable");
    }

    @Test
    void anUnknownCertificateIsNoSuchService() {
        RequestException e = catchThrowableOfType(RequestException.class, () -> new RenewHandler(certificates(RENEWED))
                .handle(JsonObject.builder().put("name", "sit").build(), null));
        assertThat(e.error().code()).isEqualTo(ErrorCode.NO_SUCH_SERVICE);
        assertThat(e.getMessage()).isEqualTo("no certificate \"sit\"");
    }
}
