package dev.svd.cli;

/**
 * svctl's exit codes. A contract (docs/svctl.md): scripts test them, so they never change meaning.
 * 3 and 4 follow systemctl status; 69 is EX_UNAVAILABLE and 77 EX_NOPERM from sysexits.h.
 */
public final class ExitCodes {
    /** Everything asked for happened. */
    public static final int OK = 0;
    /** svd answered and an operation failed. */
    public static final int FAILED = 1;
    /** The command line is wrong; nothing was sent. */
    public static final int USAGE = 2;
    /** A named service is not running (status, is-active). */
    public static final int NOT_RUNNING = 3;
    /** A named service is not configured. */
    public static final int UNKNOWN_SERVICE = 4;
    /** svd could not be reached on its socket, or did not answer in time. */
    public static final int UNAVAILABLE = 69;
    /** The socket belongs to a user svctl does not trust to be svd; nothing was sent. */
    public static final int UNTRUSTED_SOCKET = 77;

    private ExitCodes() {}
}
