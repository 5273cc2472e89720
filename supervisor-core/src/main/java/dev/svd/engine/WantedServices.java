package dev.svd.engine;

import java.util.Set;

/**
 * The services svd wants up, as published with the snapshots ({@link ServiceControl#wanted()}). Immutable.
 *
 * @param names        the services that should run: configured, and not stopped by the operator
 * @param shuttingDown svd is stopping every service (then {@code names} is empty)
 */
public record WantedServices(Set<String> names, boolean shuttingDown) {
    public WantedServices {
        names = Set.copyOf(names);
    }
}
