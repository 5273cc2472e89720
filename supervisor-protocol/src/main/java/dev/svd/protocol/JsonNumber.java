package dev.svd.protocol;

/**
 * A JSON number, kept as its validated source text so that nothing is lost or rounded on the way
 * through; the protocol itself only uses integers (read with {@link #longValue()}).
 */
public final class JsonNumber implements JsonValue {
    private final String text;

    /** {@code text} must already be a valid JSON number; {@link JsonParser} guarantees that. */
    JsonNumber(String text) {
        this.text = text;
    }

    public static JsonNumber of(long n) {
        return new JsonNumber(Long.toString(n));
    }

    /** A decimal such as {@code 12.5}, written as it is (no exponent); for svctl's own --json output. */
    public static JsonNumber of(java.math.BigDecimal n) {
        return new JsonNumber(n.toPlainString());
    }

    public String text() {
        return text;
    }

    public boolean isIntegral() {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    /** The value as a long; throws {@link NumberFormatException} when it is not an integer in range. */
    public long longValue() {
        if (!isIntegral()) {
            throw new NumberFormatException("not an integer: " + text);
        }
        return Long.parseLong(text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonNumber n && n.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
