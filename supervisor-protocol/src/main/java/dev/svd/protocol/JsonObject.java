package dev.svd.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object with its members in insertion order (so written text is stable), and typed
 * accessors that say which key had the wrong type. Immutable; build one with {@link #builder()}.
 */
public final class JsonObject implements JsonValue {
    public static final JsonObject EMPTY = new JsonObject(new LinkedHashMap<>());

    private final Map<String, JsonValue> members;

    JsonObject(LinkedHashMap<String, JsonValue> members) {
        this.members = Collections.unmodifiableMap(members);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, JsonValue> members() {
        return members;
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    /** The member, or null when absent. */
    public JsonValue get(String key) {
        return members.get(key);
    }

    /** A string member; null when absent or JSON null. */
    public String string(String key) {
        JsonValue v = members.get(key);
        if (v == null || v instanceof JsonNull) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.value();
        }
        throw wrongType(key, "a string", v);
    }

    public String requireString(String key) {
        String s = string(key);
        if (s == null) {
            throw new JsonTypeException("\"" + key + "\": required string is missing");
        }
        return s;
    }

    /** An integer member; {@code otherwise} when absent or JSON null. */
    public long longOr(String key, long otherwise) {
        JsonValue v = members.get(key);
        if (v == null || v instanceof JsonNull) {
            return otherwise;
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValue();
            } catch (NumberFormatException e) {
                throw new JsonTypeException("\"" + key + "\": integer out of range (was " + n.text() + ")");
            }
        }
        throw wrongType(key, "an integer", v);
    }

    public boolean boolOr(String key, boolean otherwise) {
        JsonValue v = members.get(key);
        if (v == null || v instanceof JsonNull) {
            return otherwise;
        }
        if (v instanceof JsonBool b) {
            return b.value();
        }
        throw wrongType(key, "true or false", v);
    }

    /** An object member; null when absent or JSON null. */
    public JsonObject object(String key) {
        JsonValue v = members.get(key);
        if (v == null || v instanceof JsonNull) {
            return null;
        }
        if (v instanceof JsonObject o) {
            return o;
        }
        throw wrongType(key, "an object", v);
    }

    /** An array member; null when absent or JSON null. */
    public JsonArray array(String key) {
        JsonValue v = members.get(key);
        if (v == null || v instanceof JsonNull) {
            return null;
        }
        if (v instanceof JsonArray a) {
            return a;
        }
        throw wrongType(key, "an array", v);
    }

    /** An array of strings; empty when absent. */
    public List<String> strings(String key) {
        JsonArray a = array(key);
        if (a == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonValue item : a.items()) {
            if (!(item instanceof JsonString s)) {
                throw wrongType(key, "an array of strings", a);
            }
            out.add(s.value());
        }
        return out;
    }

    /** An object with exactly {@code keys}, in that order, JSON null for those absent (svctl's fixed {@code --json} shapes). */
    public JsonObject select(String... keys) {
        Builder b = builder();
        for (String k : keys) {
            JsonValue value = members.get(k);
            b.put(k, value == null ? JsonNull.NULL : value);
        }
        return b.build();
    }

    private static JsonTypeException wrongType(String key, String expected, JsonValue was) {
        return new JsonTypeException("\"" + key + "\": expected " + expected + " (was " + kind(was) + ")");
    }

    /** The JSON type name of a value, for messages. */
    public static String kind(JsonValue v) {
        if (v instanceof JsonNull) {
            return "null";
        } else if (v instanceof JsonBool) {
            return "a boolean";
        } else if (v instanceof JsonNumber) {
            return "a number";
        } else if (v instanceof JsonString) {
            return "a string";
        } else if (v instanceof JsonArray) {
            return "an array";
        }
        return "an object";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonObject other && other.members.equals(members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Collects members in order; a later put of the same key replaces the earlier value. Not thread-safe. */
    public static final class Builder {
        private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

        private Builder() {}

        public Builder put(String key, JsonValue value) {
            members.put(key, value == null ? JsonNull.NULL : value);
            return this;
        }

        public Builder put(String key, String value) {
            return put(key, JsonValue.of(value));
        }

        public Builder put(String key, long value) {
            return put(key, JsonValue.of(value));
        }

        public Builder put(String key, boolean value) {
            return put(key, JsonValue.of(value));
        }

        public Builder putStrings(String key, List<String> values) {
            return put(key, JsonArray.ofStrings(values));
        }

        public JsonObject build() {
            return new JsonObject(new LinkedHashMap<>(members));
        }
    }
}
