package dev.svd.cli.client;

import java.nio.file.Path;

/** svd could not be reached on its socket; svctl exits 69 with {@link #getMessage()}. */
public final class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreachableException(Path socket, String reason) {
        // A contract: scripts and people grep for "cannot reach svd at".
        super("cannot reach svd at " + socket + " (" + reason + "): is it running?", null, false, false);
    }
}
