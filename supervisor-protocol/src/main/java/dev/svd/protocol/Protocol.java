package dev.svd.protocol;

/**
 * Constants of the control protocol: newline-delimited JSON over a Unix stream socket, one request
 * per line, answered by zero or more item lines and exactly one final line. See docs/protocol.md.
 */
public final class Protocol {
    /** The protocol version, {@code "v"} in every line. Bumped only on incompatible changes. */
    public static final int VERSION = 1;
    /** Longest request line svd accepts, in bytes without the newline; longer gets TOO_LARGE. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Longest request id, in characters. */
    public static final int MAX_ID_LENGTH = 128;
    /** Where svd listens and svctl connects when neither --socket nor SVD_SOCKET says otherwise. */
    public static final String DEFAULT_SOCKET = "/run/svd/svd.sock";
    /** The environment variable naming the socket, for svd and svctl. */
    public static final String SOCKET_ENV = "SVD_SOCKET";

    private Protocol() {}
}
