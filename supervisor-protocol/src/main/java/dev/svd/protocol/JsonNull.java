package dev.svd.protocol;

/** The JSON {@code null}; there is one instance. */
public final class JsonNull implements JsonValue {
    public static final JsonNull NULL = new JsonNull();

    private JsonNull() {}

    @Override
    public String toString() {
        return "null";
    }
}
