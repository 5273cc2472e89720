package dev.svd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonParserTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "[]", "null", "true", "false", "0", "-0", "12", "-3.25", "1e9", "2.5E-3", "\"\"",
        "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}", "[[],[[]],{}]", "\"\\u00e9\\n\\t\\\"\\\\\"",
        "\"\\ud83d\\ude00\"", "{\"v\":1,\"id\":\"x\",\"cmd\":\"status\",\"args\":{}}",
    })
    void writeThenParseIsTheSameValue(String text) throws Exception {
        JsonValue v = JsonParser.parse(text);
        assertThat(JsonParser.parse(JsonWriter.write(v))).isEqualTo(v);
    }

    @Test
    void compactTextRoundTripsExactly() throws Exception {
        String text = "{\"b\":1,\"a\":[true,false,null,\"x\"],\"c\":{\"d\":-1.5e3}}";
        assertThat(JsonWriter.write(JsonParser.parse(text))).isEqualTo(text);
    }

    @Test
    void whitespaceAroundTokensIsAccepted() throws Exception {
        assertThat(JsonParser.parse(" \t{ \"a\" : [ 1 , 2 ] }\r\n")).isEqualTo(JsonParser.parse("{\"a\":[1,2]}"));
    }

    @Test
    void escapesAreDecoded() throws Exception {
        JsonString s = (JsonString) JsonParser.parse("\"a\\/b\\u0041\\b\\f\\r\\ud83d\\ude00\"");
        assertThat(s.value()).isEqualTo("a/bA\b\f\r\uD83D\uDE00");
    }

    @Test
    void writerEscapesEveryControlCharacterSoALineStaysOneLine() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u2028').append('\u007f').append("é\"\\");
        String written = JsonWriter.write(new JsonString(all.toString()));
        assertThat(written).doesNotContain("\n", "\r", "\u2028").startsWith("\"\\u0000");
        for (int i = 0; i < written.length(); i++) {
            assertThat(written.charAt(i)).isGreaterThanOrEqualTo(' ');
        }
    }

    @Test
    void writtenStringParsesBackToTheSameText() throws Exception {
        String nasty = "line1\nline2\u0000\u001f\u2029\"\\/é😀";
        assertThat(((JsonString) JsonParser.parse(JsonWriter.write(new JsonString(nasty)))).value()).isEqualTo(nasty);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                       | unexpected end of input, expected a value at column 1",
        "{                        | expected a string key, found end of input at column 2",
        "{\"a\"                   | expected ':' after object key, found end of input at column 5",
        "{\"a\":1,}               | expected a string key, found '}' at column 8",
        "[1,]                     | unexpected ']', expected a value at column 4",
        "[1 2]                    | expected ',' or ']' in array, found '2' at column 4",
        "{'a':1}                  | expected a string key, found ''' at column 2",
        "{\"a\":1}x               | unexpected 'x' after the JSON value at column 8",
        "01                       | leading zero in number at column 2",
        "-                        | expected a digit, found end of input at column 2",
        "1.                       | expected a digit after '.', found end of input at column 3",
        "1e                       | expected a digit in exponent, found end of input at column 3",
        "NaN                      | unexpected 'N', expected a value at column 1",
        "tru                      | invalid literal, expected 'true' at column 4",
        "nul1                     | invalid literal, expected 'null', found '1' at column 4",
        "\"abc                    | unterminated string at column 5",
        "\"a\\x\"                 | invalid escape \\x at column 4",
        "\"\\u12\"                | invalid hex digit '\"' in \\u escape at column 6",
        "\"\\ud800\"              | unpaired surrogate \\ud800 at column 7",
        "\"\\udc00\"              | unpaired surrogate \\udc00 at column 7",
        "{\"a\":1,\"a\":2}        | duplicate key \"a\" at column 8",
        "// comment               | unexpected '/', expected a value at column 1",
    })
    void malformedTextIsRejectedWithItsColumn(String text, String message) {
        assertThatThrownBy(() -> JsonParser.parse(text))
                .isInstanceOf(JsonSyntaxException.class)
                .hasMessage(message);
    }

    @Test
    void rawControlCharacterInStringIsRejected() {
        assertThatThrownBy(() -> JsonParser.parse("\"a\u0001b\""))
                .hasMessage("raw control character character U+0001 in string (escape it) at column 3");
    }

    @Test
    void nestingIsBoundedSoHostileInputCannotExhaustTheStack() throws Exception {
        String ok = "[".repeat(32) + "]".repeat(32);
        assertThat(JsonParser.parse(ok)).isInstanceOf(JsonArray.class);
        assertThatThrownBy(() -> JsonParser.parse("[".repeat(33) + "]".repeat(33)))
                .hasMessage("nested deeper than 32 levels at column 33");
        assertThatThrownBy(() -> JsonParser.parse("{\"a\":".repeat(100_000)))
                .hasMessageStartingWith("nested deeper than 32 levels");
    }

    @Test
    void largeFlatValuesParse() throws Exception {
        String big = "\"" + "x".repeat(1 << 20) + "\"";
        assertThat(((JsonString) JsonParser.parse(big)).value()).hasSize(1 << 20);
        StringBuilder arr = new StringBuilder("[");
        for (int i = 0; i < 50_000; i++) {
            arr.append(i == 0 ? "" : ",").append(i);
        }
        assertThat(((JsonArray) JsonParser.parse(arr.append(']').toString())).size()).isEqualTo(50_000);
    }

    @Test
    void typedAccessorsNameTheKeyOnAWrongType() throws Exception {
        JsonObject o = (JsonObject) JsonParser.parse("{\"n\":\"x\",\"names\":[1],\"big\":1e3,\"huge\":99999999999999999999}");
        assertThatThrownBy(() -> o.longOr("n", 0)).hasMessage("\"n\": expected an integer (was a string)");
        assertThatThrownBy(() -> o.strings("names")).hasMessage("\"names\": expected an array of strings (was an array)");
        assertThatThrownBy(() -> o.longOr("big", 0)).hasMessage("\"big\": expected an integer (was a number)");
        assertThatThrownBy(() -> o.longOr("huge", 0)).hasMessage("\"huge\": integer out of range (was 99999999999999999999)");
        assertThat(o.longOr("absent", 7)).isEqualTo(7);
        assertThat(o.strings("absent")).isEqualTo(List.of());
    }
}
