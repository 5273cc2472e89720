package dev.svd.certs;

import java.time.Duration;

/**
 * How long to wait after consecutive failures: 1h, 2h, 4h, 8h, then 12h. In hours, not seconds, because
 * Let's Encrypt limits failed validations per account and hostname per hour. Pure.
 */
final class RenewalBackoff {
    static final Duration FIRST = Duration.ofHours(1);
    static final Duration MAX = Duration.ofHours(12);

    private RenewalBackoff() {}

    /** The wait after the {@code failures}-th consecutive failure (1 for the first). */
    static Duration after(int failures) {
        if (failures < 1) {
            return Duration.ZERO;
        }
        Duration d = FIRST;
        for (int i = 1; i < failures && d.compareTo(MAX) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
