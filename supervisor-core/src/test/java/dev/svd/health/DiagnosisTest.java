package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeCheck.HostPort;
import dev.svd.config.ProbeCheck.StatusRange;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The words of each result, from its inputs; docs/health.md quotes them. */
class DiagnosisTest {
    private static final HostPort GUNICORN = new HostPort("127.0.0.1", 8000);
    private static final Duration MS3 = Duration.ofMillis(3);

    private static ProbeCheck.Http http(List<StatusRange> expect, Optional<String> body) {
        return new ProbeCheck.Http(URI.create("http://127.0.0.1:8000/healthz"), Optional.empty(), expect, body,
                ProbeCheck.Tls.DEFAULT, Optional.empty());
    }

    private static Verdict reply(int status, String body, Map<String, String> headers) {
        return Diagnosis.reply(ProbeKind.READY, http(List.of(new StatusRange(200, 399)), Optional.of("ok")),
                "127.0.0.1:8000", new HttpReply(status, "", headers, body), MS3);
    }

    @Test
    void connectionRefusedAsksAboutTheBindAddress() {
        assertThat(Diagnosis.refused(GUNICORN)).isEqualTo(Verdict.fail(ProbeFailure.REFUSED, "connection refused",
                "nothing listens on 127.0.0.1:8000: is the service bound to that address?"));
    }

    @Test
    void timeoutsSayHowFarTheyGot() {
        assertThat(Diagnosis.timeout(Diagnosis.Stage.WAITING, "http://127.0.0.1:8000/healthz", GUNICORN,
                Duration.ofSeconds(2))).isEqualTo(Verdict.fail(ProbeFailure.TIMEOUT, "timeout after 2s", "no answer from"
                + " http://127.0.0.1:8000/healthz within 2s (connected to 127.0.0.1:8000, request sent): the service is"
                + " stuck or overloaded"));
        assertThat(Diagnosis.timeout(Diagnosis.Stage.CONNECTING, "127.0.0.1:8000", GUNICORN, Duration.ofMillis(500))
                .diagnosis()).isEqualTo("no answer from 127.0.0.1:8000 within 500ms while connecting: the host is down,"
                + " or a firewall drops the packets");
    }

    @Test
    void passingAnswerIsStatusAndLatency() {
        assertThat(reply(200, "{\"status\": \"ok\"}", Map.of())).isEqualTo(
                new Verdict(true, "200 in 3ms", "", OptionalInt.of(200), Optional.empty()));
    }

    @Test
    void badGatewayNamesTheUpstreamAndKeepsTheStatus() {
        Verdict v = reply(502, "<html>502 Bad Gateway</html>", Map.of());
        assertThat(v.ok()).isFalse();
        assertThat(v.httpStatus()).hasValue(502);
        assertThat(v.failure()).hasValue(ProbeFailure.HTTP_STATUS);
        assertThat(v.diagnosis()).isEqualTo("returns 502: the upstream is not answering (a proxy in front of a service that is down)");
        assertThat(reply(503, "", Map.of()).diagnosis()).startsWith("returns 503: the service or its upstream is unavailable");
        assertThat(reply(504, "", Map.of()).diagnosis()).isEqualTo("returns 504: the upstream did not answer the proxy in time");
    }

    @Test
    void djangoDisallowedHostNamesTheHostHeaderAndTheKey() {
        assertThat(reply(400, "DisallowedHost at / Invalid HTTP_HOST header: '127.0.0.1:8000'.", Map.of()).diagnosis())
                .isEqualTo("returns 400: the Host header 127.0.0.1:8000 is not in Django's ALLOWED_HOSTS; set ready.http.host"
                        + " to a name that is");
        assertThat(reply(400, "<html><body>\n  <h1>Bad Request (400)</h1><p></p>\n</body></html>", Map.of()).diagnosis())
                .isEqualTo("returns 400 with Django's Bad Request page: the Host header 127.0.0.1:8000 is probably not in"
                        + " ALLOWED_HOSTS; set ready.http.host to a name that is");
    }

    @Test
    void nginxTellsOfPlainHttpOnItsTlsPortAndOfMisdirectedRequests() {
        assertThat(reply(400, "<center>The plain HTTP request was sent to HTTPS port</center>", Map.of()).diagnosis())
                .isEqualTo("returns 400: nginx got plain HTTP on its HTTPS port; use https:// in ready.http.url");
        assertThat(reply(421, "", Map.of()).diagnosis()).isEqualTo("returns 421 Misdirected Request: the TLS name (SNI)"
                + " and the Host header 127.0.0.1:8000 lead to different servers; set ready.http.tls.sni to the Host's name");
    }

    @Test
    void unexpectedStatusNamesTheExpectedRangesAndARedirect() {
        assertThat(reply(404, "", Map.of()).diagnosis()).isEqualTo("returns 404, expected 200-399");
        assertThat(Diagnosis.reply(ProbeKind.HEALTH, http(List.of(new StatusRange(200, 200), new StatusRange(204, 204)),
                Optional.empty()), "a", new HttpReply(301, "", Map.of("location", "https://a/"), ""), MS3).diagnosis())
                .isEqualTo("returns 301, expected 200, 204 (redirect to https://a/)");
    }

    @Test
    void missingBodyTextQuotesTheStartOfTheBody() {
        assertThat(reply(200, "{\"status\":   \"starting\"}\n", Map.of()).diagnosis())
                .isEqualTo("returns 200 but the body does not contain \"ok\" (it starts with \"{\"status\": \"starting\"}\")");
        assertThat(reply(200, "", Map.of()).diagnosis())
                .isEqualTo("returns 200 but the body does not contain \"ok\" (it starts with nothing: the body is empty)");
        assertThat(reply(200, "", Map.of()).failure()).hasValue(ProbeFailure.HTTP_BODY);
    }

    @Test
    void execResultsQuoteTheLastLineOfOutput() {
        assertThat(Diagnosis.exec(false, false, "exited 2", null, "checking\npg: no response\n", MS3, Duration.ofSeconds(2)))
                .isEqualTo(Verdict.fail(ProbeFailure.EXIT_STATUS, "exited 2 in 3ms", "the probe command exited 2: pg: no response"));
        assertThat(Diagnosis.exec(true, false, "exited 0", null, "", MS3, Duration.ofSeconds(2)))
                .isEqualTo(Verdict.pass("exited 0 in 3ms"));
        assertThat(Diagnosis.exec(false, true, "killed by SIGKILL", null, "", MS3, Duration.ofSeconds(2)))
                .isEqualTo(Verdict.fail(ProbeFailure.TIMEOUT, "timeout after 2s", "the probe command did not finish within 2s and was killed"));
    }

    @Test
    void theHttpTargetFollowsHostSniAndConnectTo() {
        ProbeCheck.Http check = new ProbeCheck.Http(URI.create("https://totheballpark.info:8443/healthz?x=1"),
                Optional.empty(), List.of(), Optional.empty(), ProbeCheck.Tls.DEFAULT,
                Optional.of(new HostPort("127.0.0.1", 8443)));
        assertThat(HttpAttempt.Target.of(check)).isEqualTo(new HttpAttempt.Target(new HostPort("127.0.0.1", 8443),
                "totheballpark.info:8443", "totheballpark.info", "/healthz?x=1"));
        ProbeCheck.Http named = new ProbeCheck.Http(URI.create("http://127.0.0.1:8000"), Optional.of("www.a.test:8000"),
                List.of(), Optional.empty(), new ProbeCheck.Tls(true, Optional.empty(), Optional.empty()), Optional.empty());
        assertThat(HttpAttempt.Target.of(named)).isEqualTo(new HttpAttempt.Target(GUNICORN, "www.a.test:8000",
                "www.a.test", "/"));
    }

    @Test
    void certificateNamesMatchLikeRfc6125() {
        assertThat(TlsTrust.matches("*.totheballpark.info", "www.totheballpark.info")).isTrue();
        assertThat(TlsTrust.matches("*.totheballpark.info", "totheballpark.info")).isFalse();
        assertThat(TlsTrust.matches("*.totheballpark.info", "a.b.totheballpark.info")).isFalse();
        assertThat(TlsTrust.matches("Totheballpark.INFO", "totheballpark.info")).isTrue();
    }
}
