package dev.svd.protocol;

/**
 * Well-formed JSON with a member of the wrong type or missing; the message names the key.
 * The control server answers it with {@code BAD_REQUEST}.
 */
public final class JsonTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonTypeException(String message) {
        super(message);
    }
}
