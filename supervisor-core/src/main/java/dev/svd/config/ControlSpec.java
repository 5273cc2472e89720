package dev.svd.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code control { ... }} block: who may use svd's socket besides root and svd's own user, and
 * how many connections it serves for how long (docs/configuration.md, docs/protocol.md "Limits").
 *
 * @param readOnlyGroup     members of this group may read status, logs, events and jobs
 * @param maxClients        connections served at once
 * @param maxClientsPerUser connections of one user other than root at once
 * @param reservedForRoot   of {@code maxClients}, how many only root (and svd's own user) may take
 * @param requestTimeout    how long a client may take to send a complete request
 * @param writeTimeout      how long an answer may wait for a client that does not read
 */
public record ControlSpec(Optional<String> readOnlyGroup, int maxClients, int maxClientsPerUser, int reservedForRoot,
                          Duration requestTimeout, Duration writeTimeout) {
    public static final ControlSpec DEFAULT = new ControlSpec(Optional.empty(), 32, 8, 4, Duration.ofSeconds(30),
            Duration.ofSeconds(10));

    /** Only a read-only group; the other keys at their defaults. */
    public ControlSpec(Optional<String> readOnlyGroup) {
        this(readOnlyGroup, DEFAULT.maxClients, DEFAULT.maxClientsPerUser, DEFAULT.reservedForRoot,
                DEFAULT.requestTimeout, DEFAULT.writeTimeout);
    }

    static ControlSpec read(ConfigReader r) {
        ControlSpec d = DEFAULT;
        Optional<String> group = r.string("read-only-group", "\"adm\"");
        int max = r.integer("max-clients", d.maxClients, 2);
        int perUser = r.integer("max-clients-per-user", d.maxClientsPerUser, 1);
        int reserved = r.integer("reserved-for-root", Math.min(d.reservedForRoot, max - 1), 0);
        if (reserved >= max) {
            r.problem("reserved-for-root", "must be less than max-clients (" + max + "), or nobody but root could connect"
                    + " (was " + reserved + ")");
            reserved = max - 1;
        }
        return new ControlSpec(group, max, perUser, reserved, r.positiveDuration("request-timeout", d.requestTimeout),
                r.positiveDuration("write-timeout", d.writeTimeout));
    }
}
