package dev.svd.certs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What svd needs to know of one certificate (the first of a PEM chain): names, issuer, expiry,
 * serial and SHA-256 fingerprint. Immutable; any thread.
 *
 * @param placeholder svd made it itself ({@link Placeholder#ORGANIZATION} in the subject)
 */
public record CertificateFile(List<String> subjectNames, String subject, String issuer, Instant notBefore,
                              Instant notAfter, String serial, String sha256, boolean placeholder) {
    public CertificateFile {
        subjectNames = List.copyOf(subjectNames);
    }

    /** The first certificate of the PEM file at {@code path} (following symlinks), or empty when it is absent. */
    public static Optional<CertificateFile> read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(path)) {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException(path + " holds no certificate");
            }
            return Optional.of(of((X509Certificate) certs.iterator().next()));
        } catch (GeneralSecurityException e) {
            throw new IOException(path + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The same, or empty when the file is absent or unreadable: for decisions that then start over. */
    static Optional<CertificateFile> readQuietly(Path path) {
        try {
            return read(path);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public static CertificateFile of(X509Certificate c) throws GeneralSecurityException {
        List<String> names = new ArrayList<>();
        var sans = c.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (Integer.valueOf(2).equals(san.get(0))) { // dNSName (RFC 5280 4.2.1.6)
                    names.add(san.get(1).toString());
                }
            }
        }
        String subject = c.getSubjectX500Principal().getName();
        String fingerprint = HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        return new CertificateFile(names, subject, c.getIssuerX500Principal().getName(), c.getNotBefore().toInstant(),
                c.getNotAfter().toInstant(), c.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT),
                fingerprint, subject.contains("O=" + Placeholder.ORGANIZATION));
    }

    public boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    /** Whether it names every one of {@code domains} (case-insensitive; no wildcards: HTTP-01 issues none). */
    public boolean covers(List<String> domains) {
        return domains.stream().allMatch(d -> subjectNames.stream().anyMatch(n -> n.equalsIgnoreCase(d)));
    }
}
