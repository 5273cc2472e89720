package dev.svd.control;

import dev.svd.protocol.Protocol;
import java.time.Duration;

/**
 * Bounds on what one client can cost svd (config {@code control { ... }}, docs/configuration.md;
 * what a client sees when it hits one: docs/protocol.md "Limits").
 *
 * @param maxRequestBytes      longest request line; longer gets TOO_LARGE and a close
 * @param requestTimeout       how long a client may take to send a complete request line, counted from
 *                             the connection or the previous answer; blank lines do not restart it
 * @param writeTimeout         how long one answer line may take to reach a client that does not read;
 *                             then the connection is closed
 * @param maxClients           connections served at once; one more gets BUSY and a close
 * @param maxClientsPerUser    connections of one uid other than root at once
 * @param reservedForRoot      of {@code maxClients}, slots only root (uid 0) may take, so root is answered
 *                             while others hold every other slot
 * @param defaultActionTimeout how long start/stop/restart/reload wait when the request names no timeout
 * @param maxActionTimeout     the longest timeout a request may ask for
 * @param followBacklog        stream items queued for a slow follower before its stream is ended with BUSY
 */
public record ControlLimits(int maxRequestBytes, Duration requestTimeout, Duration writeTimeout, int maxClients,
                            int maxClientsPerUser, int reservedForRoot, Duration defaultActionTimeout,
                            Duration maxActionTimeout, int followBacklog) {
    public static final ControlLimits DEFAULT = new ControlLimits(Protocol.MAX_REQUEST_BYTES, Duration.ofSeconds(30),
            Duration.ofSeconds(10), 32, 8, 4, Duration.ofSeconds(60), Duration.ofHours(1), 4096);

    public ControlLimits {
        if (maxRequestBytes < 256 || maxClients < 1 || followBacklog < 1 || maxClientsPerUser < 1
                || reservedForRoot < 0 || reservedForRoot >= maxClients
                || !positive(requestTimeout) || !positive(writeTimeout)
                || defaultActionTimeout.isNegative() || maxActionTimeout.compareTo(defaultActionTimeout) < 0) {
            throw new IllegalArgumentException("invalid control limits: " + maxRequestBytes + " bytes, request "
                    + requestTimeout + ", write " + writeTimeout + ", " + maxClients + " clients (" + maxClientsPerUser
                    + " per user, " + reservedForRoot + " for root), actions " + defaultActionTimeout + ".."
                    + maxActionTimeout + ", backlog " + followBacklog);
        }
    }

    /** These limits with the connection bounds of config {@code control { ... }}. */
    public ControlLimits withClients(int maxClients, int maxClientsPerUser, int reservedForRoot,
                                     Duration requestTimeout, Duration writeTimeout) {
        return new ControlLimits(maxRequestBytes, requestTimeout, writeTimeout, maxClients, maxClientsPerUser,
                reservedForRoot, defaultActionTimeout, maxActionTimeout, followBacklog);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
