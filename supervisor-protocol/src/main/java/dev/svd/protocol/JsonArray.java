package dev.svd.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A JSON array; its element list is unmodifiable. */
public final class JsonArray implements JsonValue {
    private final List<JsonValue> items;

    public JsonArray(List<JsonValue> items) {
        this.items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    public static JsonArray ofStrings(List<String> strings) {
        List<JsonValue> items = new ArrayList<>(strings.size());
        for (String s : strings) {
            items.add(JsonValue.of(s));
        }
        return new JsonArray(items);
    }

    public List<JsonValue> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public JsonValue get(int i) {
        return items.get(i);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonArray a && a.items.equals(items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
