package dev.svd.protocol;

/**
 * A JSON value: the small immutable model the control protocol is written in. JDK-only, so that
 * {@code svctl} needs nothing else on its class path. Values are immutable; any thread may read them.
 */
public sealed interface JsonValue permits JsonNull, JsonBool, JsonNumber, JsonString, JsonArray, JsonObject {

    /** The compact one-line text of this value, as {@link JsonWriter} writes it. */
    default String toJson() {
        return JsonWriter.write(this);
    }

    static JsonValue of(String s) {
        return s == null ? JsonNull.NULL : new JsonString(s);
    }

    static JsonValue of(long n) {
        return JsonNumber.of(n);
    }

    static JsonValue of(boolean b) {
        return b ? JsonBool.TRUE : JsonBool.FALSE;
    }
}
