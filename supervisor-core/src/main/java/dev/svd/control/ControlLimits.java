package dev.svd.control;

import dev.svd.protocol.Protocol;
import java.time.Duration;

/**
 * Bounds on what one client can cost svd.
 *
 * @param maxRequestBytes      longest request line; longer gets TOO_LARGE and a close
 * @param idleTimeout          how long a client may take to send a complete request line
 * @param maxClients           connections served at once; one more gets BUSY and a close
 * @param defaultActionTimeout how long start/stop/restart/reload wait when the request names no timeout
 * @param maxActionTimeout     the longest timeout a request may ask for
 * @param followBacklog        stream items queued for a slow follower before its stream is ended with BUSY
 */
public record ControlLimits(int maxRequestBytes, Duration idleTimeout, int maxClients,
                            Duration defaultActionTimeout, Duration maxActionTimeout, int followBacklog) {
    public static final ControlLimits DEFAULT = new ControlLimits(Protocol.MAX_REQUEST_BYTES, Duration.ofSeconds(30), 32,
            Duration.ofSeconds(60), Duration.ofHours(1), 4096);

    public ControlLimits {
        if (maxRequestBytes < 256 || maxClients < 1 || followBacklog < 1
                || idleTimeout.isNegative() || idleTimeout.isZero()
                || defaultActionTimeout.isNegative() || maxActionTimeout.compareTo(defaultActionTimeout) < 0) {
            throw new IllegalArgumentException("invalid control limits: " + maxRequestBytes + " bytes, idle "
                    + idleTimeout + ", " + maxClients + " clients, actions " + defaultActionTimeout + ".."
                    + maxActionTimeout + ", backlog " + followBacklog);
        }
    }
}
