package dev.svd.config;

/**
 * What a restarted svd does with a service's process group that an svd killed before it left
 * running ({@code on-leftover = ...}). See docs/decisions/0003-leftovers-stopped-or-adopted.md.
 */
public enum LeftoverPolicy {
    /** Stop it (TERM, then KILL) before anything starts, then start the service afresh. */
    STOP,
    /**
     * Take it over as the service's running process, if it still runs what the config says and
     * writes into svd's named pipes; otherwise stop it like {@link #STOP}.
     */
    ADOPT;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
