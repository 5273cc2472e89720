package dev.svd.protocol;

/**
 * The error codes of the control protocol. A contract: scripts and other clients match on these
 * names (docs/protocol.md), so a code is never renamed or reused; new ones may be added.
 */
public enum ErrorCode {
    /** The request line is not valid JSON, or not a valid request (the message says where). */
    BAD_REQUEST,
    /** {@code cmd} names no command this svd knows. */
    UNKNOWN_COMMAND,
    /** A named service (or job) is not configured. */
    NO_SUCH_SERVICE,
    /** The action needs a running process and there is none. */
    NOT_RUNNING,
    /** The peer's user may not run this command (SO_PEERCRED). */
    PERMISSION_DENIED,
    /** The target state was not reached in time, or the client was idle too long. */
    TIMEOUT,
    /** The service's process could not be spawned. */
    SPAWN_FAILED,
    /** The action was carried out and did not succeed. */
    FAILED,
    /** The configuration file is invalid; nothing was changed. */
    CONFIG_INVALID,
    /** The request line exceeds the size limit; the connection is closed. */
    TOO_LARGE,
    /** Too many clients are connected, or a follower fell behind; the connection is closed. */
    BUSY,
    /** A bug in svd; the message carries a reference to the stack trace in svd's log. */
    INTERNAL;

    /** The code with this wire name, or null when this build does not know it (a newer svd). */
    public static ErrorCode lookup(String name) {
        for (ErrorCode c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
