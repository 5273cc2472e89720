package dev.svd.engine;

/**
 * The answer to {@link ServiceControl#awaitReady}: every named service is running and ready, or the
 * first one that will not become ready by itself, or the timeout. {@code service} names the service the
 * outcome is about (null for {@link Kind#READY}); {@code message} says what happened in operator words.
 */
public record ReadyOutcome(Kind kind, String service, String message) {
    public enum Kind {
        /** Every named service is running and ready. */
        READY,
        /**
         * A named service is failed or exited (only an operator's start brings it back), or stopped and not
         * wanted (the operator stopped it, or svd is shutting down).
         */
        DOWN,
        /** A named service does not exist, or was removed by a config update while waited for. */
        NO_SUCH_SERVICE,
        /** The timeout passed first; {@code service} is the first named service that was not ready. */
        TIMEOUT
    }

    public boolean ready() {
        return kind == Kind.READY;
    }
}
