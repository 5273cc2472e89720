package dev.svd.health;

import java.util.Locale;

/** Which of a service's two probes: readiness ({@code ready { ... }}) or liveness ({@code health { ... }}). */
public enum ProbeKind {
    READY, HEALTH;

    /** The config key of this probe's block, as operators write it in hints ("set ready.http.host"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
