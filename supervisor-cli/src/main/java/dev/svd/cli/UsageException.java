package dev.svd.cli;

/** A wrong command line: svctl prints the message and a hint to {@code svctl help}, and exits 2. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
