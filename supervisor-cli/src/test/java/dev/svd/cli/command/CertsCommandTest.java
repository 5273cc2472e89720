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
                + "\"serial\":\"4F9C053154234DAF\",\"not_after\":\"2031-11-25T15:22:20Z\"},"
                + "{\"name\":\"api\",\"placeholder\":true,\"warning\":true,\"days_left\":6,\"message\":\"waiting for certificate:"
                + " the ACME server could not fetch the challenge: a.test: ... returned 404; next attempt at 2026-11-25T16:00:00Z\","
                + "\"issuer\":\"CN=a.test,O=svd placeholder\",\"serial\":\"1A\",\"not_after\":\"2026-12-02T15:00:00Z\"},"
                + "{\"name\":\"new\",\"placeholder\":true,\"warning\":true,\"days_left\":0,\"message\":\"no certificate\","
                + "\"issuer\":null,\"serial\":null,\"not_after\":null}]");
        assertThat(CertsCommand.table(certs.items())).isEqualTo(
                "NAME  SERIAL            ISSUER                            NOT-AFTER             DAYS  STATE\n"
                + "site  4F9C053154234DAF  CN=Pebble Intermediate CA 7d7040  2031-11-25T15:22:20Z  1825  valid for 1825 days\n"
                + "api   1A                CN=a.test,O=svd placeholder       2026-12-02T15:00:00Z  -     waiting for certificate:"
                + " the ACME server could not fetch the challenge: a.test: ... returned 404; next attempt at 2026-11-25T16:00:00Z\n"
                + "new   -                 -                                 -                     -     no certificate\n");
    }
}
