package dev.svd.certs;

import dev.svd.config.CertificateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code svctl certs} shows of one certificate: the file svd points the services at, the last
 * run, and the next attempt after a failure. Immutable; published by the certificates thread.
 *
 * @param current     the certificate in the file svd serves ({@code cert}), empty before the first one exists
 * @param placeholder {@code current} is svd's self-signed placeholder
 * @param daysLeft    whole days until not-after (negative once expired); 0 when there is none
 * @param warning     fewer than {@code warn-days} days left, or expired, or still a placeholder
 * @param message     the state in operator words ("waiting for certificate: ...", "valid for 89 days")
 * @param lastResult  the last issuance or renewal run
 * @param nextAttempt when svd tries again after a failure
 */
public record CertificateStatus(String name, List<String> domains, Optional<CertificateFile> current,
                                boolean placeholder, long daysLeft, boolean warning, String message,
                                Optional<RenewalResult> lastResult, Optional<Instant> nextAttempt) {
    public CertificateStatus {
        domains = List.copyOf(domains);
    }

    /** The status of {@code spec} serving {@code current}, with its state in operator words. */
    static CertificateStatus of(CertificateSpec spec, Optional<CertificateFile> current, String prepareProblem,
                                Optional<RenewalResult> lastResult, Optional<Instant> nextAttempt, Instant now) {
        boolean placeholder = current.map(CertificateFile::placeholder).orElse(true);
        long days = current.map(c -> Duration.between(now, c.notAfter()).toDays()).orElse(0L);
        boolean warning = placeholder || days < spec.warnDays();
        Optional<String> failure = lastResult.filter(r -> !r.ok()).map(RenewalResult::message);
        String message;
        if (current.isEmpty()) {
            message = prepareProblem.isEmpty() ? "no certificate" : prepareProblem;
        } else if (placeholder) {
            message = "waiting for certificate" + failure.map(f -> ": " + f).orElse("");
        } else if (failure.isPresent()) {
            message = failure.get();
        } else {
            message = (days < 0 ? "expired " + -days + " days ago" : "valid for " + days + " days")
                    + (warning ? " (below warn-days " + spec.warnDays() + ")" : "");
        }
        return new CertificateStatus(spec.name(), spec.domains(), current, placeholder, days, warning,
                message + nextAttempt.map(t -> "; next attempt at " + t).orElse(""), lastResult, nextAttempt);
    }
}
