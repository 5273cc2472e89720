package dev.svd.control;

import java.io.IOException;

/**
 * Another svd answers on the socket path; this one must not start. The daemon's main turns it
 * into a non-zero exit with {@link #getMessage()} ("svd is already running on PATH, pid N").
 */
public final class AlreadyRunningException extends IOException {
    private static final long serialVersionUID = 1L;

    public AlreadyRunningException(String message) {
        super(message);
    }
}
