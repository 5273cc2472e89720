package dev.svd.metrics;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpListenerTest {
    private static String head(String raw) throws Exception {
        return HttpListener.readHead(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theHeadEndsAtTheBlankLine() throws Exception {
        assertThat(head("GET /metrics HTTP/1.1\r\nAccept: text/plain\r\n\r\nbody")).isEqualTo(
                "GET /metrics HTTP/1.1\r\nAccept: text/plain\r\n\r\n");
        assertThat(head("GET / HTTP/1.0\n\nrest")).isEqualTo("GET / HTTP/1.0\n\n");
        assertThat(head("GET / HTTP/1.1\r\n")).as("cut short").isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(head("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpListener.MAX_HEAD) + "\r\n\r\n")).as("too long").isNull();
    }

    @Test
    void parsesTheRequestLineAndAccept() {
        assertThat(HttpListener.parse("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\naccept:  application/openmetrics-text; version=1.0.0\r\n\r\n"))
                .isEqualTo(new HttpListener.Request("GET", "/metrics", "application/openmetrics-text; version=1.0.0"));
        assertThat(HttpListener.parse("HEAD /readyz HTTP/1.0\n\n")).isEqualTo(new HttpListener.Request("HEAD", "/readyz", ""));
        assertThat(HttpListener.parse("GET /metrics\r\n\r\n")).as("HTTP/0.9").isNull();
        assertThat(HttpListener.parse("GET metrics HTTP/1.1\r\n\r\n")).isNull();
        assertThat(HttpListener.parse("")).isNull();
        assertThat(HttpListener.parse("\u0016\u0003\u0001 TLS hello")).isNull();
    }

    @Test
    void hostileHeadsNeverThrow() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "GET /HTP1.\r\n: ?\u0000\u00ff";
        for (int i = 0; i < 2000; i++) {
            StringBuilder raw = new StringBuilder();
            int length = random.nextInt(64);
            for (int j = 0; j < length; j++) {
                raw.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String h = head(raw.toString());
            try {
                HttpListener.parse(h == null ? "" : h);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ", input " + raw.toString().replace("\r", "\\r")
                        .replace("\n", "\\n") + ": " + e, e);
            }
        }
    }
}
