package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing what a server answered, complete or not yet. */
class HttpReplyTest {
    private static Optional<HttpReply> parse(String text, boolean end) throws HttpReply.Malformed {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return HttpReply.parse(b, b.length, end);
    }

    @Test
    void contentLengthTellsWhenTheBodyIsComplete() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nok", false)).isEmpty();
        HttpReply r = parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nok\r\n", false).orElseThrow();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.reason()).isEqualTo("OK");
        assertThat(r.body()).isEqualTo("ok\r\n");
    }

    @Test
    void withoutLengthTheBodyEndsWithTheConnection() throws Exception {
        assertThat(parse("HTTP/1.0 503 Service Unavailable\r\nServer: x\r\nLocation: /down\r\n\r\ndown", false)).isEmpty();
        HttpReply r = parse("HTTP/1.0 503 Service Unavailable\r\nServer: x\r\nLocation: /down\r\n\r\ndown", true).orElseThrow();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).as("only the headers a probe looks at").containsExactly(java.util.Map.entry("location", "/down"));
        assertThat(r.body()).isEqualTo("down");
    }

    @Test
    void chunkedBodiesAreDecoded() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertThat(parse(head + "3\r\nabc\r\n", false)).isEmpty();
        assertThat(parse(head + "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", false).orElseThrow().body()).isEqualTo("abcde");
    }

    @Test
    void somethingElseThanHttpIsMalformed() {
        assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH_9.2\r\n", false)).isInstanceOf(HttpReply.Malformed.class)
                .hasMessage("the answer is not HTTP (it starts with \"SSH-2.0-OpenSSH_\")");
        assertThatThrownBy(() -> parse("", true)).hasMessage("the connection was closed without an answer");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nServer", true))
                .hasMessage("the answer ended inside its headers (23 bytes)");
        assertThatThrownBy(() -> parse("HTTP/1.1 OK\r\n\r\n", true)).hasMessage("the status line is not HTTP: \"HTTP/1.1 OK\"");
    }

    @Test
    void printableShowsControlBytes() {
        assertThat(HttpReply.printable(new byte[] {0x15, 0x03, 0x03, 'a'}, 4)).isEqualTo("\"\\x15\\x03\\x03a\"");
    }
}
