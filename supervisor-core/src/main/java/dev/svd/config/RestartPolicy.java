package dev.svd.config;

/** When a service whose process ended is started again ({@code restart = ...}). */
public enum RestartPolicy {
    /** Whatever the exit status. */
    ALWAYS,
    /** Only after an exit status other than 0 or a death by signal. */
    ON_FAILURE,
    /** Never: the service stays {@code exited}. */
    NEVER;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
