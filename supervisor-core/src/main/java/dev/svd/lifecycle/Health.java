package dev.svd.lifecycle;

import java.util.Locale;

/** Result of a service's probes, kept apart from its state. */
public enum Health {
    UNKNOWN, HEALTHY, UNHEALTHY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
