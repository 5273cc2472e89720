package dev.svd.protocol;

import java.util.Map;

/**
 * Writes a {@link JsonValue} as compact one-line JSON. Every control character is escaped (so a
 * value never breaks the newline framing), and so are U+2028/U+2029 for JavaScript readers.
 * Stateless; any thread.
 */
public final class JsonWriter {
    private JsonWriter() {}

    public static String write(JsonValue v) {
        StringBuilder sb = new StringBuilder(64);
        write(v, sb);
        return sb.toString();
    }

    public static void write(JsonValue v, StringBuilder out) {
        if (v instanceof JsonString s) {
            quote(s.value(), out);
        } else if (v instanceof JsonObject o) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (v instanceof JsonArray a) {
            out.append('[');
            for (int i = 0; i < a.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(a.get(i), out);
            }
            out.append(']');
        } else {
            out.append(v.toString()); // null, true, false, or a validated number
        }
    }

    public static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append("\\u");
                        String hex = Integer.toHexString(c);
                        for (int p = hex.length(); p < 4; p++) {
                            out.append('0');
                        }
                        out.append(hex);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
