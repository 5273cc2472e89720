package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The response parser against what a broken or hostile server can send: random bytes, answers cut
 * anywhere, answers larger than the read limit, chunked bodies split at random. Seeded: a failure
 * prints its seed, and {@code -Dseed=N} replays it.
 */
class HttpReplyHostileTest {
    private static final long SEED = Long.getLong("seed", System.nanoTime());

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whatever the bytes, the parser answers (a reply, "more", or Malformed) and throws nothing else. */
    @Test
    void randomBytesAreNeverMoreThanMalformed() {
        Random random = new Random(SEED);
        String[] starts = {"", "HTTP/", "HTTP/1.1 ", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: ", "\u0016\u0003\u0003"};
        for (int i = 0; i < 20_000; i++) {
            byte[] start = bytes(starts[random.nextInt(starts.length)]);
            byte[] tail = new byte[random.nextInt(i % 100 == 0 ? 3000 : 200)];
            for (int j = 0; j < tail.length; j++) {
                // bias towards the bytes that structure HTTP, so the random input reaches deep paths
                int r = random.nextInt(10);
                tail[j] = r == 0 ? (byte) '\r' : r == 1 ? (byte) '\n' : r == 2 ? (byte) ':' : r == 3 ? (byte) ' '
                        : r == 4 ? (byte) ('0' + random.nextInt(10)) : (byte) random.nextInt(256);
            }
            byte[] input = Arrays.copyOf(start, start.length + tail.length);
            System.arraycopy(tail, 0, input, start.length, tail.length);
            for (boolean end : new boolean[] {false, true}) {
                try {
                    Optional<HttpReply> reply = HttpReply.parse(input, input.length, end);
                    if (end && reply.isEmpty()) {
                        fail("seed " + SEED + ", input " + i + ": at the end of the stream there is no more to wait for");
                    }
                    if (reply.isPresent()) {
                        assertThat(reply.get().status()).as("seed %d, input %d", SEED, i).isBetween(100, 599);
                    }
                } catch (HttpReply.Malformed e) {
                    assertThat(e.getMessage()).as("seed %d, input %d", SEED, i).isNotBlank();
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + SEED + ", input " + i + ": " + HttpReply.printable(input,
                            Math.min(input.length, 80)) + " threw " + e, e);
                }
            }
        }
    }

    /** An answer cut anywhere before its end is "wait for more" (never a wrong or partial reply); whole, it is the reply. */
    @Test
    void everyCutOfAnAnswerWaitsAndTheWholeIsTheReply() throws Exception {
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            String body = randomText(random, random.nextInt(300));
            boolean chunked = random.nextBoolean();
            byte[] answer = chunked ? concat(bytes("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nServer: x\r\n\r\n"),
                    chunk(random, body.getBytes(StandardCharsets.UTF_8)))
                    : concat(bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\nServer: x\r\n\r\n"), body.getBytes(StandardCharsets.UTF_8));
            // a chunked body is known once its last chunk ("0\r\n") has come, before the empty trailer's CRLF
            int complete = chunked ? answer.length - 2 : answer.length;
            for (int cut = 0; cut < complete; cut++) {
                assertThat(HttpReply.parse(answer, cut, false)).as("seed %d, answer %d cut at %d", SEED, i, cut).isEmpty();
            }
            Optional<HttpReply> parsed = HttpReply.parse(answer, answer.length, false);
            assertThat(parsed).as("seed %d, answer %d: complete", SEED, i).isPresent();
            HttpReply reply = parsed.get();
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.reason()).isEqualTo("Service Unavailable");
            assertThat(reply.headers()).as("only the headers a probe looks at").doesNotContainKey("server");
            assertThat(reply.body()).as("seed %d, answer %d (chunked %s)", SEED, i, chunked).isEqualTo(body);
        }
    }

    /** Bytes after a Content-Length body (a second response, garbage) are not part of the body. */
    @Test
    void contentLengthEndsTheBodyWhateverFollows() throws Exception {
        byte[] b = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 no\r\n\r\n");
        assertThat(HttpReply.parse(b, b.length, false).orElseThrow().body()).isEqualTo("ok");
    }

    /**
     * At the read limit the answer is taken as it is: a body cut there still gives its status, and
     * headers that never end are Malformed, not a wait for ever.
     */
    @Test
    void atTheReadLimitTheAnswerIsTakenAsItIs() throws Exception {
        byte[] huge = new byte[HttpAttempt.LIMIT];
        byte[] head = bytes("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n");
        System.arraycopy(head, 0, huge, 0, head.length);
        Arrays.fill(huge, head.length, huge.length, (byte) 'a');
        assertThat(HttpReply.parse(huge, huge.length, false)).as("not complete: more could come").isEmpty();
        HttpReply cut = HttpReply.parse(huge, huge.length, true).orElseThrow();
        assertThat(cut.status()).isEqualTo(200);
        assertThat(cut.body()).hasSize(HttpAttempt.LIMIT - head.length);

        byte[] endless = new byte[HttpAttempt.LIMIT];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("HTTP/1.1 200 OK\r\n"));
        while (out.size() < endless.length) {
            out.writeBytes(bytes("X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"));
        }
        System.arraycopy(out.toByteArray(), 0, endless, 0, endless.length);
        assertThatThrownBy(() -> HttpReply.parse(endless, endless.length, true))
                .hasMessage("the answer ended inside its headers (" + HttpAttempt.LIMIT + " bytes)");
    }

    @Test
    void statusLinesThatAreNotHttpAreMalformed() {
        for (String line : new String[] {"HTTP/1.1 2000 OK", "HTTP/1.1 099 x", "HTTP/1.1 600 x", "HTTP/1.1 2x0 OK",
            "HTTP/1.1  200 OK", "HTTP/1.1", "HTTP/1.1 \u0662\u0660\u0660 OK"}) {
            byte[] b = (line + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> HttpReply.parse(b, b.length, true)).as(line)
                    .isInstanceOf(HttpReply.Malformed.class).hasMessageStartingWith("the status line is not HTTP: ");
        }
    }

    @Test
    void statusLineWithoutReasonOrHeaders() throws Exception {
        byte[] b = bytes("HTTP/1.0 204\r\n\r\n");
        HttpReply r = HttpReply.parse(b, b.length, true).orElseThrow();
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.reason()).isEmpty();
        assertThat(r.headers()).isEmpty();
        assertThat(r.body()).isEmpty();
    }

    /**
     * Header names are case-insensitive and may have spaces before the colon; a line without a name
     * (": x") or without a colon, and headers the probe does not look at, are skipped.
     */
    @Test
    void headersNamesInLowerCaseAndNamelessLinesSkipped() throws Exception {
        byte[] b = bytes("HTTP/1.1 301 Moved\r\nLOCATION:  https://a.test/ \r\n: nameless\r\nno colon\r\nContent-Length : 0\r\n"
                + "Server: x\r\nContent-Lengthy: 1\r\n\r\n");
        HttpReply r = HttpReply.parse(b, b.length, false).orElseThrow();
        assertThat(r.headers()).containsOnlyKeys("location", "content-length");
        assertThat(r.headers()).containsEntry("location", "https://a.test/");
    }

    @Test
    void chunkedEdgeCases() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        // upper-case hex and an extension
        assertThat(body(head + "A;ext=1\r\n0123456789\r\n0\r\n\r\n", false)).isEqualTo("0123456789");
        // the last chunk alone: an empty body
        assertThat(body(head + "0\r\n\r\n", false)).isEmpty();
        // a size that is not hex: not complete, so at the end the raw body is taken as it is
        assertThat(HttpReply.parse(bytes(head + "zz\r\nab\r\n0\r\n\r\n"), (head + "zz\r\nab\r\n0\r\n\r\n").length(), false)).isEmpty();
        assertThat(body(head + "zz\r\nab\r\n", true)).isEqualTo("zz\r\nab\r\n");
        // a chunk size beyond the 7 hex digits that fit the read limit is never waited for
        assertThat(body(head + "fffffffff\r\nab", true)).isEqualTo("fffffffff\r\nab");
        // a chunk that claims more than is there: cut off at the end of the stream
        assertThat(body(head + "10\r\nabc", true)).isEqualTo("10\r\nabc");
    }

    private static String body(String answer, boolean end) throws Exception {
        byte[] b = bytes(answer);
        return HttpReply.parse(b, b.length, end).orElseThrow().body();
    }

    private static byte[] chunk(Random random, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = 1 + random.nextInt(Math.min(40, body.length - at));
            String size = Integer.toHexString(n);
            out.writeBytes(bytes((random.nextBoolean() ? size.toUpperCase() : size) + (random.nextInt(4) == 0 ? ";x=y" : "") + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(bytes("\r\n"));
            at += n;
        }
        out.writeBytes(bytes("0\r\n\r\n"));
        return out.toByteArray();
    }

    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder();
        String alphabet = "abc \r\n0:é{}\"";
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
