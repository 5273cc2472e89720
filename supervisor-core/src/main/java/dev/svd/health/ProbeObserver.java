package dev.svd.health;

/**
 * Hears of every probe result, for metrics (docs/metrics.md). Called on the probe thread {@code svd-probe}
 * for each finished probe, also one whose process has since ended: it must return at once and never
 * wait for a lock a reader holds.
 */
@FunctionalInterface
public interface ProbeObserver {
    ProbeObserver NONE = (service, kind, result) -> { };

    void observed(String service, ProbeKind kind, ProbeResult result);
}
