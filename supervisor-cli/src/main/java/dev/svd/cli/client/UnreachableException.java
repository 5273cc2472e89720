package dev.svd.cli.client;

import dev.svd.cli.ExitCodes;
import java.nio.file.Path;

/**
 * svd could not be reached, did not answer in time, or its socket is not to be trusted; svctl
 * prints {@link #getMessage()} and exits with {@link #exitCode()} (69, or 77 for an untrusted socket).
 * The messages are a contract (docs/svctl.md): scripts and people grep for them.
 */
public final class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public UnreachableException(Path socket, String reason) {
        // A contract: scripts and people grep for "cannot reach svd at".
        this("cannot reach svd at " + socket + " (" + reason + "): is it running?", ExitCodes.UNAVAILABLE);
    }

    private UnreachableException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** svd accepted nothing or answered nothing within {@code waited} (connect or reply timeout). */
    static UnreachableException timedOut(Path socket, String what, String waited) {
        return new UnreachableException("svd at " + socket + " did not " + what + " within " + waited
                + ": is it stopped (SIGSTOP, a debugger) or overloaded? svctl gave up; SVCTL_TIMEOUT=2m waits longer",
                ExitCodes.UNAVAILABLE);
    }

    /** The socket belongs to a user svctl does not trust to be svd (docs/svctl.md, socket owner). */
    static UnreachableException untrusted(Path socket, String owner, int ownerUid, int myUid) {
        return new UnreachableException("refusing the control socket " + socket + ": it belongs to " + owner
                + " (uid " + ownerUid + "), not to root or to you (uid " + myUid + "), so it may not be svd's;"
                + " if svd runs as " + owner + ", set SVCTL_SOCKET_OWNER=" + owner, ExitCodes.UNTRUSTED_SOCKET);
    }

    public int exitCode() {
        return exitCode;
    }
}
