package dev.svd.protocol;

/**
 * One response line. Exactly one of {@code result}, {@code item} and {@code error} is set:
 * an item line is one element of a stream ({@code logs}, {@code events}); a result or error line
 * is final and ends the answer to the request with that id. Immutable.
 */
public record Response(String id, JsonObject result, JsonObject item, ProtocolError error) {
    public Response {
        int set = (result != null ? 1 : 0) + (item != null ? 1 : 0) + (error != null ? 1 : 0);
        if (set != 1) {
            throw new IllegalArgumentException("exactly one of result, item, error must be set");
        }
    }

    public static Response result(String id, JsonObject result) {
        return new Response(id, result, null, null);
    }

    public static Response item(String id, JsonObject item) {
        return new Response(id, null, item, null);
    }

    public static Response error(String id, ErrorCode code, String message) {
        return new Response(id, null, null, ProtocolError.of(code, message));
    }

    public static Response error(String id, ProtocolError error) {
        return new Response(id, null, null, error);
    }

    public boolean ok() {
        return error == null;
    }

    /** True for the line that ends the answer: a result or an error. */
    public boolean isFinal() {
        return item == null;
    }

    public JsonObject toJson() {
        JsonObject.Builder b = JsonObject.builder().put("v", Protocol.VERSION).put("id", id).put("ok", ok());
        if (result != null) {
            b.put("result", result);
        } else if (item != null) {
            b.put("item", item);
        } else {
            b.put("error", error.toJson());
        }
        return b.build();
    }

    /** One line of text to send: the JSON and a newline. */
    public String toLine() {
        return JsonWriter.write(toJson()) + "\n";
    }

    public static Response parse(String line) throws ProtocolException {
        JsonValue v;
        try {
            v = JsonParser.parse(line);
        } catch (JsonSyntaxException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed response from svd: " + e.getMessage(), null);
        }
        if (!(v instanceof JsonObject o)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed response from svd: not an object", null);
        }
        try {
            String id = o.string("id");
            if (o.longOr("v", -1) != Protocol.VERSION) {
                throw new JsonTypeException("\"v\": unsupported protocol version " + o.get("v"));
            }
            boolean ok = o.boolOr("ok", false);
            if (!ok) {
                JsonObject e = o.object("error");
                if (e == null) {
                    throw new JsonTypeException("\"error\": missing in a response with ok false");
                }
                return new Response(id, null, null, ProtocolError.fromJson(e));
            }
            JsonObject item = o.object("item");
            if (item != null) {
                return new Response(id, null, item, null);
            }
            JsonObject result = o.object("result");
            return new Response(id, result == null ? JsonObject.EMPTY : result, null, null);
        } catch (JsonTypeException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed response from svd: " + e.getMessage(), null);
        }
    }
}
