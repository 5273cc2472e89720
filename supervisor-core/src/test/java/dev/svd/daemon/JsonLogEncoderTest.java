package dev.svd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonLogEncoderTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("dev.svd.engine.Engine");
    private final JsonLogEncoder encoder = new JsonLogEncoder();

    private LoggingEvent event(Level level, String pattern, Object... args) {
        return event(Map.of(), level, pattern, args);
    }

    private LoggingEvent event(Map<String, String> mdc, Level level, String pattern, Object... args) {
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, pattern, null, args);
        e.setMDCPropertyMap(mdc);
        return e;
    }

    /** The encoded line: exactly one line, valid UTF-8, parsed by the protocol's JSON parser. */
    private static JsonObject parsed(byte[] bytes) throws Exception {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8", e);
        }
        assertThat(text).endsWith("\n");
        assertThat(text.substring(0, text.length() - 1)).doesNotContain("\n");
        return (JsonObject) JsonParser.parse(text.substring(0, text.length() - 1));
    }

    @Test
    void aTransitionBecomesAnObjectWithTimeLevelServiceEventAndMessage() throws Exception {
        LoggingEvent e = event(Level.INFO, "{}: {} -> {} ({})", "web", "starting", "running", "up for 1s");
        e.setTimeStamp(1_796_000_000_123L);
        JsonObject o = parsed(encoder.encode(e));
        assertThat(o.members().keySet()).containsExactly("time", "level", "service", "event", "message");
        assertThat(o.string("time")).isEqualTo("2026-11-30T00:53:20.123Z");
        assertThat(o.string("level")).isEqualTo("INFO");
        assertThat(o.string("service")).isEqualTo("web");
        assertThat(o.string("event")).isEqualTo("Engine");
        assertThat(o.string("message")).isEqualTo("web: starting -> running (up for 1s)");
    }

    @Test
    void aMessageAboutNoServiceHasNoServiceAndTheMdcWins() throws Exception {
        assertThat(parsed(encoder.encode(event(Level.WARN, "svd started with {} services", 3))).has("service")).isFalse();
        LoggingEvent e = event(Map.of("service", "nginx"), Level.INFO, "{}: x", "notthis");
        assertThat(parsed(encoder.encode(e)).string("service")).isEqualTo("nginx");
    }

    @Test
    void anExceptionComesAsItsStack() throws Exception {
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "boom (ref {})",
                new IllegalStateException("bad \"state\"\n"), new Object[] {"7f3a2c"});
        e.setMDCPropertyMap(Map.of());
        JsonObject o = parsed(encoder.encode(e));
        assertThat(o.string("message")).isEqualTo("boom (ref 7f3a2c)");
        assertThat(o.string("stack")).contains("IllegalStateException: bad \"state\"\n");
    }

    @Test
    void anyTextIsValidJsonAndControlCharactersAndQuotesComeBack() throws Exception {
        long seed = Long.getLong("logs.seed", System.nanoTime());
        Random random = new Random(seed);
        char[] alphabet = {'a', '"', '\\', '\n', '\r', '\t', '\0', '\u001b', '\u007f', '\u2028', '/', 'é', '\ud83d',
            '\ude00', '\ufffd', '{', '}'};
        for (int i = 0; i < 2_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(40);
            for (int k = 0; k < n; k++) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String name = b.toString();
            JsonObject o = parsed(encoder.encode(event(Level.WARN, "{}: cannot write {}", name, "/var/log/" + name)));
            String expected = wellFormed(name);
            assertThat(o.string("service")).as("seed %d", seed).isEqualTo(expected);
            assertThat(o.string("message")).as("seed %d", seed)
                    .isEqualTo(expected + ": cannot write /var/log/" + expected);
        }
    }

    @Test
    void aFileNameThatWasNotUtf8StaysValid() throws Exception {
        // How the JDK decodes an undecodable file name byte depends on sun.jnu.encoding: U+FFFD or a lone surrogate.
        String name = "web\ud800\u0001";
        JsonObject o = parsed(encoder.encode(event(Level.WARN, "{}: x", name)));
        assertThat(o.string("service")).isEqualTo("web\ufffd\u0001");
    }

    /** What the encoder promises to keep: everything but lone surrogates, which become U+FFFD. */
    private static String wellFormed(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return b.toString();
    }
}
