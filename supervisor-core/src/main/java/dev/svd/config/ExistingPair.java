package dev.svd.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a certificate and key that the operator put at {@code cert}/{@code key} (a certificate bought
 * elsewhere, or copied from the old host): svd serves such a pair as it is and never replaces it
 * ({@link CertificatePaths}), so at load time it must be a readable certificate, valid now, with the private key
 * that belongs to it. Reads the files, changes nothing. JDK only: PEM certificates, and private keys as PKCS#8
 * ({@code BEGIN PRIVATE KEY}, openssl 3's default), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}), the forms openssl(1) and certbot write. Used by one thread.
 */
final class ExistingPair {
    /** One problem, for the key ({@code cert} or {@code key}) whose file:line it is reported at. */
    record Problem(String key, String message) {}

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s:,-]*?)-----END \\1-----");
    private static final String WHAT_TO_DO = "svd never replaces or deletes a file it did not create: put a valid"
            + " certificate and its key there yourself, or remove both files (svd then serves its placeholder until"
            + " certbot has issued one), or name other paths";

    private ExistingPair() {}

    /**
     * The problems of the pair at {@code cert}/{@code key} given what is at each path; none when neither is the
     * operator's (svd makes its own links then).
     */
    static List<Problem> check(Path cert, CertificatePaths.Holder certHolder, Path key, CertificatePaths.Holder keyHolder,
                               Instant now) {
        List<Problem> problems = new ArrayList<>();
        if (certHolder != CertificatePaths.Holder.OPERATOR && keyHolder != CertificatePaths.Holder.OPERATOR) {
            return problems;
        }
        if (certHolder != CertificatePaths.Holder.OPERATOR) {
            problems.add(new Problem("cert", "key " + key + " is a file svd did not create, but " + cert
                    + (certHolder == CertificatePaths.Holder.NOTHING ? " does not exist" : " is svd's link")
                    + ": svd serves an existing pair only when both files are there; " + WHAT_TO_DO));
            return problems;
        }
        if (keyHolder != CertificatePaths.Holder.OPERATOR) {
            problems.add(new Problem("key", "cert " + cert + " is a file svd did not create, but " + key
                    + (keyHolder == CertificatePaths.Holder.NOTHING ? " does not exist" : " is svd's link")
                    + ": svd serves an existing pair only when both files are there; " + WHAT_TO_DO));
            return problems;
        }
        X509Certificate certificate;
        try {
            certificate = certificate(cert);
        } catch (IOException e) {
            problems.add(new Problem("cert", cert + " is a file svd did not create, and " + e.getMessage() + "; " + WHAT_TO_DO));
            return problems;
        }
        String identity = "subject " + certificate.getSubjectX500Principal().getName() + ", serial "
                + certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        if (!now.isBefore(notAfter)) {
            problems.add(new Problem("cert", cert + " is a certificate svd did not create (" + identity + "), and it expired"
                    + " at " + notAfter + "; " + WHAT_TO_DO));
        } else if (now.isBefore(notBefore)) {
            problems.add(new Problem("cert", cert + " is a certificate svd did not create (" + identity + "), and it is not"
                    + " valid before " + notBefore + "; " + WHAT_TO_DO));
        }
        keyProblem(certificate, key).ifPresent(m -> problems.add(new Problem("key", key + " is a file svd did not create, and "
                + m + " (" + cert + ": " + identity + "); " + WHAT_TO_DO)));
        return problems;
    }

    private static X509Certificate certificate(Path cert) throws IOException {
        byte[] bytes = read(cert);
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("it holds no PEM certificate");
            }
            return (X509Certificate) certs.iterator().next();
        } catch (GeneralSecurityException e) {
            throw new IOException("it holds no PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    /** Why {@code key} is not the private key of {@code certificate}, if it is not. */
    static Optional<String> keyProblem(X509Certificate certificate, Path key) {
        String text;
        try {
            text = new String(read(key), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.endsWith("PRIVATE KEY")) {
                continue; // "EC PARAMETERS" before the key, as openssl ecparam -genkey writes it
            }
            if (label.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("ENCRYPTED")) {
                return Optional.of("it holds an encrypted private key, which svd cannot check (nginx needs"
                        + " ssl_password_file for it)");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", ""));
            } catch (IllegalArgumentException e) {
                return Optional.of("its " + label + " is not valid base64");
            }
            return matches(certificate, label, der);
        }
        return Optional.of("it holds no PEM private key");
    }

    private static Optional<String> matches(X509Certificate certificate, String label, byte[] der) {
        String algorithm = certificate.getPublicKey().getAlgorithm();
        String signature = switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> algorithm;
            default -> null;
        };
        if (signature == null) {
            return Optional.of("svd cannot check a key for a " + algorithm + " certificate");
        }
        byte[] pkcs8;
        if (label.equals("PRIVATE KEY")) {
            pkcs8 = der;
        } else if (label.equals("RSA PRIVATE KEY") && algorithm.equals("RSA")
                || label.equals("EC PRIVATE KEY") && algorithm.equals("EC")) {
            pkcs8 = Der.pkcs8(Der.algorithmIdentifier(certificate.getPublicKey().getEncoded()), der);
        } else {
            return Optional.of("it holds an " + label + ", which is not the key of a " + algorithm + " certificate");
        }
        try {
            PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            byte[] data = new byte[32];
            new SecureRandom().nextBytes(data);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(privateKey);
            signer.update(data);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(data);
            return verifier.verify(signed) ? Optional.empty()
                    : Optional.of("it is not the private key of this certificate (a signature made with it does not"
                    + " verify with the certificate's public key)");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.of("its " + label + " cannot be read as a " + algorithm + " key (" + e.getMessage() + ")");
        }
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(Files.exists(file) ? "it is not a regular file" : Files.isSymbolicLink(file)
                    ? "it is a link to " + target(file) + ", which does not exist" : "it does not exist");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("it cannot be read (" + e + ")", e);
        }
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Just enough DER (ITU-T X.690) to wrap a PKCS#1 or SEC1 key as PKCS#8 (RFC 5208) for the JDK's KeyFactory. */
    static final class Der {
        private Der() {}

        /** The AlgorithmIdentifier of a SubjectPublicKeyInfo (RFC 5280 4.1), which is also PKCS#8's for that key. */
        static byte[] algorithmIdentifier(byte[] subjectPublicKeyInfo) {
            int[] outer = header(subjectPublicKeyInfo, 0);
            int[] inner = header(subjectPublicKeyInfo, outer[0]);
            return Arrays.copyOfRange(subjectPublicKeyInfo, outer[0], inner[0] + inner[1]);
        }

        /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, privateKey OCTET STRING }. */
        static byte[] pkcs8(byte[] algorithmIdentifier, byte[] privateKey) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(new byte[] {0x02, 0x01, 0x00});
            body.writeBytes(algorithmIdentifier);
            body.writeBytes(tlv(0x04, privateKey));
            return tlv(0x30, body.toByteArray());
        }

        private static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int n = value.length;
            if (n < 0x80) {
                out.write(n);
            } else {
                int bytes = n > 0xFFFFFF ? 4 : n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
                out.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) {
                    out.write(n >>> (8 * i) & 0xFF);
                }
            }
            out.writeBytes(value);
            return out.toByteArray();
        }

        /** {offset of the value, its length} of the element starting at {@code at}. */
        private static int[] header(byte[] der, int at) {
            int lengthByte = der[at + 1] & 0xFF;
            if (lengthByte < 0x80) {
                return new int[] {at + 2, lengthByte};
            }
            int bytes = lengthByte & 0x7F;
            int length = 0;
            for (int i = 0; i < bytes; i++) {
                length = length << 8 | der[at + 2 + i] & 0xFF;
            }
            return new int[] {at + 2 + bytes, length};
        }
    }
}
