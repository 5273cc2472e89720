package dev.svd.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A strict RFC 8259 parser: no comments, trailing commas, single quotes, NaN, leading zeros,
 * raw control characters or duplicate keys; a bounded nesting depth so that hostile input
 * ({@code [[[[...}) cannot exhaust the stack. Errors carry the column. One instance parses one
 * text; use {@link #parse(String)}.
 */
public final class JsonParser {
    /** Deep enough for every message of the protocol, shallow enough to be harmless. */
    public static final int DEFAULT_MAX_DEPTH = 32;

    private final String text;
    /**
     * {@code text}'s characters, scanned instead of {@code text.charAt}: svctl is a fresh JVM on every
     * run, and its parse of a large reply runs mostly in the interpreter, where an array read is one
     * bytecode and a charAt a chain of calls (docs/benchmarks.md, "Scale").
     */
    private final char[] chars;
    private final int maxDepth;
    private int pos;

    private JsonParser(String text, int maxDepth) {
        this.text = text;
        this.chars = text.toCharArray();
        this.maxDepth = maxDepth;
    }

    public static JsonValue parse(String text) throws JsonSyntaxException {
        return parse(text, DEFAULT_MAX_DEPTH);
    }

    public static JsonValue parse(String text, int maxDepth) throws JsonSyntaxException {
        JsonParser p = new JsonParser(text, maxDepth);
        p.skipWhitespace();
        JsonValue v = p.value(0);
        p.skipWhitespace();
        if (p.pos < p.chars.length) {
            throw p.error("unexpected " + p.describe(p.pos) + " after the JSON value");
        }
        return v;
    }

    private JsonValue value(int depth) throws JsonSyntaxException {
        if (pos >= chars.length) {
            throw error("unexpected end of input, expected a value");
        }
        char c = chars[pos];
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return new JsonString(string());
            case 't':
                literal("true");
                return JsonBool.TRUE;
            case 'f':
                literal("false");
                return JsonBool.FALSE;
            case 'n':
                literal("null");
                return JsonNull.NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected " + describe(pos) + ", expected a value");
        }
    }

    private JsonObject object(int depth) throws JsonSyntaxException {
        checkDepth(depth);
        pos++; // '{'
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonObject(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key, found " + describe(pos));
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':', "after object key");
            skipWhitespace();
            JsonValue v = value(depth);
            if (members.put(key, v) != null) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return new JsonObject(members);
            } else {
                throw error("expected ',' or '}' in object, found " + describe(pos));
            }
        }
    }

    private JsonArray array(int depth) throws JsonSyntaxException {
        checkDepth(depth);
        pos++; // '['
        List<JsonValue> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonArray(items);
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return new JsonArray(items);
            } else {
                throw error("expected ',' or ']' in array, found " + describe(pos));
            }
        }
    }

    private String string() throws JsonSyntaxException {
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= chars.length) {
                throw error("unterminated string");
            }
            char c = chars[pos];
            if (c == '"') {
                String s = sb == null ? text.substring(runStart, pos) : sb.append(text, runStart, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error("raw control character " + describe(pos) + " in string (escape it)");
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(text, runStart, pos);
            pos++;
            if (pos >= chars.length) {
                throw error("unterminated escape in string");
            }
            char e = chars[pos];
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", pos + 1)) {
                            throw error("unpaired surrogate \\u" + Integer.toHexString(u));
                        }
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("unpaired surrogate \\u" + Integer.toHexString(u));
                        }
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("unpaired surrogate \\u" + Integer.toHexString(u));
                    } else {
                        sb.append(u);
                    }
                    break;
                }
                default:
                    throw error("invalid escape \\" + e);
            }
            pos++;
            runStart = pos;
        }
    }

    /** Reads the four hex digits after {@code \}{@code u} at pos; leaves pos on the last digit. */
    private char hex4() throws JsonSyntaxException {
        int v = 0;
        for (int i = 1; i <= 4; i++) {
            if (pos + i >= chars.length) {
                pos = chars.length;
                throw error("truncated \\u escape");
            }
            int d = Character.digit(chars[pos + i], 16);
            if (d < 0) {
                pos += i;
                throw error("invalid hex digit " + describe(pos) + " in \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private JsonNumber number() throws JsonSyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zero in number");
            }
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit, found " + describe(pos));
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after '.', found " + describe(pos));
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in exponent, found " + describe(pos));
            }
            digits();
        }
        return new JsonNumber(text.substring(start, pos));
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws JsonSyntaxException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= chars.length || chars[pos + i] != word.charAt(i)) {
                pos += i;
                throw error("invalid literal, expected '" + word + "'" + (pos < chars.length ? ", found " + describe(pos) : ""));
            }
        }
        pos += word.length();
    }

    private void expect(char c, String where) throws JsonSyntaxException {
        if (peek() != c) {
            throw error("expected '" + c + "' " + where + ", found " + describe(pos));
        }
        pos++;
    }

    private void checkDepth(int depth) throws JsonSyntaxException {
        if (depth > maxDepth) {
            throw error("nested deeper than " + maxDepth + " levels");
        }
    }

    private void skipWhitespace() {
        while (pos < chars.length) {
            char c = chars[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The character at pos, or 0 at the end (0 is never valid where peek is used). */
    private char peek() {
        return pos < chars.length ? chars[pos] : 0;
    }

    private String describe(int at) {
        if (at >= chars.length) {
            return "end of input";
        }
        char c = chars[at];
        if (c < 0x20 || c == 0x7f) {
            return "character U+" + String.format("%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private JsonSyntaxException error(String problem) {
        return new JsonSyntaxException(problem, Math.min(pos, chars.length));
    }
}
