package dev.svd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonParser;
import org.junit.jupiter.api.Test;

class CertsCommandTest {
    @Test
    void tableShowsTheServedCertificateAndTheStateInWords() throws Exception {
        JsonArray certs = (JsonArray) JsonParser.parse("[{\"name\":\"site\",\"placeholder\":false,\"warning\":false,"
                + "\"days_left\":1825,\"message\":\"valid for 1825 days\",\"issuer\":\"CN=Pebble Intermediate CA 7d7040\","
                + "\"serial\":\"4F9C053154234DAF\",\"not_after\":\"2031-11-25T15:22:20Z\","
                + "\"subject_names\":[\"a.test\",\"www.a.test\"],\"last_result\":{\"name\":\"site\",\"outcome\":\"renewed\","
                + "\"ok\":true,\"message\":\"m\",\"serial\":\"4F9C053154234DAF\",\"at\":\"2026-11-25T15:22:20.123Z\",\"took_ms\":900}},"
                + "{\"name\":\"api\",\"placeholder\":true,\"warning\":true,\"days_left\":6,\"message\":\"waiting for certificate:"
                + " the ACME server could not fetch the challenge: a.test: ... returned 404; next attempt at 2026-11-25T16:00:00Z\","
                + "\"issuer\":\"CN=a.test,O=svd placeholder\",\"serial\":\"1A\",\"not_after\":\"2026-12-02T15:00:00Z\"},"
                + "{\"name\":\"new\",\"placeholder\":true,\"warning\":true,\"days_left\":0,\"message\":\"no certificate\","
                + "\"issuer\":null,\"serial\":null,\"not_after\":null}]");
        assertThat(CertsCommand.table(certs.items())).isEqualTo("""
                NAME  NAMES              ISSUER                            SERIAL            NOT-AFTER             DAYS  \
                LAST-RENEWAL               STATE
                site  a.test,www.a.test  CN=Pebble Intermediate CA 7d7040  4F9C053154234DAF  2031-11-25T15:22:20Z  1825  \
                renewed 2026-11-25T15:22Z  valid for 1825 days
                api   -                  CN=a.test,O=svd placeholder       1A                2026-12-02T15:00:00Z  -     \
                -                          waiting for certificate: the ACME server could not fetch the challenge: \
                a.test: ... returned 404; next attempt at 2026-11-25T16:00:00Z
                new   -                  -                                 -                 -                     -     \
                -                          no certificate
                """);
    }
}
