package dev.svd.control;

import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.ProtocolError;
import java.util.List;

/** A refusal a handler answers with: an error code and an operator-readable message. */
final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ProtocolError error;

    RequestException(ErrorCode code, String message) {
        this(code, message, List.of());
    }

    RequestException(ErrorCode code, String message, List<String> details) {
        super(message);
        this.error = ProtocolError.of(code, message, details);
    }

    ProtocolError error() {
        return error;
    }
}
