package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * How an https probe tells a TLS server's first bytes from a plain-HTTP server's, without reading
 * the JDK's exception wording (the "not TLS" diagnosis of docs/health.md).
 */
class TlsRecordTest {
    private static boolean starts(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return HttpAttempt.startsTlsRecord(ByteBuffer.wrap(b));
    }

    @Test
    void aHandshakeOrAlertRecordOfTls12Or13IsTls() {
        assertThat(starts(0x16, 0x03, 0x03, 0x00, 0x7a)).as("handshake, TLS 1.2 record version").isTrue();
        assertThat(starts(0x15, 0x03, 0x01)).as("alert").isTrue();
        assertThat(starts(0x16)).as("a record header that is still arriving").isTrue();
    }

    @Test
    void aPlainHttpAnswerOrAnHtmlPageIsNotTls() {
        assertThat(HttpAttempt.startsTlsRecord(ByteBuffer.wrap("HTTP/1.1 400 Bad Request\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)))).isFalse();
        assertThat(HttpAttempt.startsTlsRecord(ByteBuffer.wrap("<html>".getBytes(StandardCharsets.ISO_8859_1))))
                .isFalse();
        assertThat(starts(0x16, 0x48)).as("a handshake type with no TLS version after it").isFalse();
        assertThat(starts(0x00)).isFalse();
    }

    @Test
    void theCheckReadsFromTheBuffersPositionAndLeavesItThere() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {'H', 0x16, 0x03, 0x03});
        b.position(1);
        assertThat(HttpAttempt.startsTlsRecord(b)).isTrue();
        assertThat(b.position()).isEqualTo(1);
    }
}
