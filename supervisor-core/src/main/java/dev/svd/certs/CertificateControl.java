package dev.svd.certs;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the control server and the scheduler see of the certificates: their status, and a renewal on demand. Any thread. */
public interface CertificateControl {
    /** No certificates configured. */
    CertificateControl NONE = new CertificateControl() {
        @Override
        public List<CertificateStatus> certificates() {
            return List.of();
        }

        @Override
        public CompletableFuture<RenewalResult> renew(String name, boolean force) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no certificate \"" + name + "\""));
        }
    };

    /** One status per configured certificate, in file order. */
    List<CertificateStatus> certificates();

    /**
     * Runs a renewal of {@code name} now ({@code certbot renew}; a first issuance while svd still serves its
     * placeholder), after any run in progress. Completes with the result, failures included; completes
     * exceptionally with IllegalArgumentException for an unknown name.
     */
    CompletableFuture<RenewalResult> renew(String name, boolean force);
}
