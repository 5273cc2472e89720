package dev.svd.os;

/** A process could not be spawned; the message is the cause in operator words. */
public final class SpawnException extends Exception {
    private static final long serialVersionUID = 1L;

    public SpawnException(String message) {
        super(message);
    }
}
