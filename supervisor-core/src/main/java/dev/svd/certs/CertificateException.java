package dev.svd.certs;

/** One step of getting or serving a certificate failed; the message says which, and why, in operator words. */
public final class CertificateException extends Exception {
    private static final long serialVersionUID = 1L;

    public CertificateException(String message) {
        super(message);
    }

    public CertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
