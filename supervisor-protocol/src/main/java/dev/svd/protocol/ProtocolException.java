package dev.svd.protocol;

/**
 * A request or response that cannot be accepted, with the error code to answer it with and the
 * request id when it was readable (else null).
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String requestId;

    public ProtocolException(ErrorCode code, String message, String requestId) {
        super(message);
        this.code = code;
        this.requestId = requestId;
    }

    public ErrorCode code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }
}
