package dev.svd.health;

/** One watched probe, as returned by {@link Prober#watch}. Thread-safe. */
public interface ProbeHandle {
    /**
     * Stops probing: no probe starts after this returns, a probe in flight is abandoned (an exec
     * probe's command still runs to its timeout), and the sink receives no further result.
     */
    void cancel();
}
