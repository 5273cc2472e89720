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
 * @param source      where {@code current} came from
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
                                Optional<RenewalResult> lastResult, Optional<Instant> nextAttempt, Source source) {
    public CertificateStatus {
        domains = List.copyOf(domains);
    }

    /** Where the served certificate came from; the wire names are a contract (docs/protocol.md, {@code certs}). */
    public enum Source {
        /** There is none. */
        NONE,
        /** svd's self-signed placeholder. */
        PLACEHOLDER,
        /** certbot's live files, which svd's links at cert/key point at. */
        CERTBOT,
        /** Files at cert/key that svd did not create (a certificate from elsewhere): served as they are, never replaced. */
        EXISTING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The same for files svd made itself (its placeholder, or its links to certbot's files). */
    static CertificateStatus of(CertificateSpec spec, Optional<CertificateFile> current, String prepareProblem,
                                Optional<RenewalResult> lastResult, Optional<Instant> nextAttempt, Instant now) {
        return of(spec, current, false, prepareProblem, lastResult, nextAttempt, now);
    }

    /**
     * The status of {@code spec} serving {@code current}, with its state in operator words.
     *
     * @param existing cert/key are files svd did not create ({@link Source#EXISTING}), whatever their subject says
     */
    static CertificateStatus of(CertificateSpec spec, Optional<CertificateFile> current, boolean existing,
                                String prepareProblem, Optional<RenewalResult> lastResult, Optional<Instant> nextAttempt,
                                Instant now) {
        boolean placeholder = !existing && current.map(CertificateFile::placeholder).orElse(true);
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
        if (existing && current.isPresent()) {
            message = "existing files, not issued by svd (subject " + current.get().subject() + "): " + message
                    + lastResult.filter(r -> r.outcome() == RenewalResult.Outcome.NOT_INSTALLED)
                    .map(r -> "; certbot's certificate " + r.message()).orElse("");
        }
        Source source = current.isEmpty() ? Source.NONE : existing ? Source.EXISTING
                : placeholder ? Source.PLACEHOLDER : Source.CERTBOT;
        return new CertificateStatus(spec.name(), spec.domains(), current, placeholder, days, warning,
                message + nextAttempt.map(t -> "; next attempt at " + t).orElse(""), lastResult, nextAttempt, source);
    }
}
