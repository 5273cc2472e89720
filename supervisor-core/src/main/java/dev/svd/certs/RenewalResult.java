package dev.svd.certs;

import java.time.Duration;
import java.time.Instant;

/**
 * How one issuance or renewal run of one certificate ended. Immutable.
 *
 * @param serial  the serial nginx serves afterwards (confirmed over TLS when services were reloaded), or ""
 * @param message what happened in operator words; for FAILED the cause ("pre-flight: ... returned 404: ...")
 */
public record RenewalResult(String name, Outcome outcome, String message, String serial, Instant at, Duration took) {
    /** A contract for {@code svctl certs} and the protocol: names never change meaning. */
    public enum Outcome {
        /** A first certificate was issued and is served. */
        ISSUED,
        /** certbot renewed it, the services were reloaded and serve the new serial. */
        RENEWED,
        /** Nothing was due: the files did not change and nothing was reloaded. */
        UNCHANGED,
        /**
         * certbot has a valid certificate in its live/ directory, but cert/key are files svd did not create, so svd
         * left them (and the services) as they were: the operator decides (docs/certificates.md, issue 11).
         */
        NOT_INSTALLED,
        /** Something failed; the running services were left as they were. */
        FAILED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean ok() {
        return outcome != Outcome.FAILED;
    }
}
