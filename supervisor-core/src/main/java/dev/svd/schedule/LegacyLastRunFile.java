package dev.svd.schedule;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the last-run files svd wrote before it had its own format: {@code state-dir/jobs/NAME.json},
 * one flat JSON object such as
 * {@code {"job":"renew","started":"2026-11-25T03:00:10Z","ended":"2026-11-25T03:00:12Z","ok":true,"result":"exited 0"}}.
 * Only that shape: an object of string, boolean, number and null values (RFC 8259 strings with their
 * escapes); nothing nested. Nothing writes this format any more ({@link LastRunStore}). Pure; any thread.
 */
final class LegacyLastRunFile {
    private final String text;
    private int pos;

    private LegacyLastRunFile(String text) {
        this.text = text;
    }

    /**
     * The run {@code text} records.
     *
     * @throws IllegalArgumentException with what is wrong and where, for anything else
     */
    static LastRun parse(String text) {
        Map<String, Object> fields = new LegacyLastRunFile(text).object();
        return new LastRun(Instant.parse(string(fields, "started")), Instant.parse(string(fields, "ended")),
                Boolean.TRUE.equals(fields.get("ok")), string(fields, "result"));
    }

    private static String string(Map<String, Object> fields, String key) {
        if (fields.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("\"" + key + "\": expected a string (was " + fields.get(key) + ")");
    }

    private Map<String, Object> object() {
        Map<String, Object> fields = new HashMap<>();
        expect('{');
        if (peek() == '}') {
            pos++;
        } else {
            do {
                String key = quoted();
                expect(':');
                fields.put(key, value());
            } while (comma());
            expect('}');
        }
        skipSpace();
        if (pos != text.length()) {
            throw error("text after the object");
        }
        return fields;
    }

    private boolean comma() {
        if (peek() == ',') {
            pos++;
            return true;
        }
        return false;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return quoted();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, pos)) {
                pos += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        int start = pos;
        while (pos < text.length() && "+-.eE0123456789".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a value");
        }
        return text.substring(start, pos);
    }

    private String quoted() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The next character after white space, or 0 at the end. */
    private char peek() {
        skipSpace();
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + (pos + 1));
    }
}
