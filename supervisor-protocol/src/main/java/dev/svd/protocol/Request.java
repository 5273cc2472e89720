package dev.svd.protocol;

/**
 * One request line: {@code {"v":1,"id":"42","cmd":"status","args":{...}}}. {@code args} is never
 * null (an absent args is the empty object). Immutable.
 */
public record Request(String id, String cmd, JsonObject args) {
    public Request {
        if (args == null) {
            args = JsonObject.EMPTY;
        }
    }

    public JsonObject toJson() {
        return JsonObject.builder()
                .put("v", Protocol.VERSION)
                .put("id", id)
                .put("cmd", cmd)
                .put("args", args)
                .build();
    }

    /** One line of text to send: the JSON and a newline. */
    public String toLine() {
        return JsonWriter.write(toJson()) + "\n";
    }

    /**
     * Reads one request line (without its newline). Does not check that {@code cmd} is known; the
     * server does, so it can answer UNKNOWN_COMMAND with the id.
     */
    public static Request parse(String line) throws ProtocolException {
        JsonValue v;
        try {
            v = JsonParser.parse(line);
        } catch (JsonSyntaxException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getMessage(), null);
        }
        if (!(v instanceof JsonObject o)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "a request is a JSON object (was " + JsonObject.kind(v) + ")", null);
        }
        String id = null;
        try {
            id = o.string("id");
            for (String key : o.members().keySet()) {
                if (!key.equals("v") && !key.equals("id") && !key.equals("cmd") && !key.equals("args")) {
                    throw new JsonTypeException("\"" + key + "\": unknown request member (expected v, id, cmd, args)");
                }
            }
            if (id != null && id.length() > Protocol.MAX_ID_LENGTH) {
                throw new JsonTypeException("\"id\": longer than " + Protocol.MAX_ID_LENGTH + " characters");
            }
            long version = o.longOr("v", -1);
            if (version == -1) {
                throw new JsonTypeException("\"v\": required protocol version is missing (this svd speaks "
                        + Protocol.VERSION + ")");
            }
            if (version != Protocol.VERSION) {
                throw new JsonTypeException("\"v\": unsupported protocol version " + version + " (this svd speaks "
                        + Protocol.VERSION + ")");
            }
            return new Request(id, o.requireString("cmd"), o.object("args"));
        } catch (JsonTypeException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage(), id);
        }
    }
}
