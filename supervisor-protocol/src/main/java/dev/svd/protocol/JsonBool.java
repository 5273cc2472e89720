package dev.svd.protocol;

/** A JSON {@code true} or {@code false}; there are two instances. */
public final class JsonBool implements JsonValue {
    public static final JsonBool TRUE = new JsonBool(true);
    public static final JsonBool FALSE = new JsonBool(false);

    private final boolean value;

    private JsonBool(boolean value) {
        this.value = value;
    }

    public boolean value() {
        return value;
    }

    @Override
    public String toString() {
        return value ? "true" : "false";
    }
}
