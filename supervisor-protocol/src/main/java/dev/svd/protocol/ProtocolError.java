package dev.svd.protocol;

import java.util.List;

/**
 * The {@code "error"} member of a failed response: a code, an operator-readable message, and
 * optional details (e.g. one line per config problem). {@code code} is null only when a newer svd
 * sent a code this build does not know; {@code rawCode} always holds the wire text.
 */
public record ProtocolError(ErrorCode code, String rawCode, String message, List<String> details) {
    public ProtocolError {
        details = details == null ? List.of() : List.copyOf(details);
    }

    public static ProtocolError of(ErrorCode code, String message) {
        return new ProtocolError(code, code.name(), message, List.of());
    }

    public static ProtocolError of(ErrorCode code, String message, List<String> details) {
        return new ProtocolError(code, code.name(), message, details);
    }

    JsonObject toJson() {
        JsonObject.Builder b = JsonObject.builder().put("code", rawCode).put("message", message);
        if (!details.isEmpty()) {
            b.putStrings("details", details);
        }
        return b.build();
    }

    static ProtocolError fromJson(JsonObject o) {
        String raw = o.requireString("code");
        String message = o.string("message");
        return new ProtocolError(ErrorCode.lookup(raw), raw, message == null ? "" : message, o.strings("details"));
    }
}
