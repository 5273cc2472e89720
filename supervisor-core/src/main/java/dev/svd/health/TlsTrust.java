package dev.svd.health;

import dev.svd.config.ProbeCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of one https probe: the JDK's CAs plus {@code tls.ca-file}, the certificate's dates,
 * and its names against the SNI name. Checked here rather than by the JDK's endpoint identification
 * so that each failure says which: expired (with the date), another name (with the names), or an
 * untrusted issuer (with the issuer). Immutable; the JDK calls it on the probe thread.
 */
final class TlsTrust extends ServerTrustManager {
    /** A certificate problem in the operator's words; the handshake fails with it as its cause. */
    static final class Problem extends CertificateException {
        Problem(String message) {
            super(message);
        }
    }

    private static X509TrustManager jdkCas;

    private final List<X509TrustManager> anchors;
    private final String name;
    private final String key;
    private final Clock clock;

    private TlsTrust(List<X509TrustManager> anchors, String name, String key, Clock clock) {
        this.anchors = anchors;
        this.name = name;
        this.key = key;
        this.clock = clock;
    }

    /**
     * A client context for one probe. {@code name} is the SNI name the certificate must match;
     * {@code key} the probe's block ("ready") for hints. With {@code verify = false} nothing is
     * checked, like {@code curl -k}.
     */
    static SSLContext context(ProbeCheck.Tls tls, String name, String key, Clock clock)
            throws GeneralSecurityException, IOException {
        List<X509TrustManager> anchors = new ArrayList<>();
        if (tls.caFile().isPresent()) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(tls.caFile().get())) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
            }
            anchors.add(trustManager(store));
        }
        // The JDK's CAs last: a failed PKIX check against them costs more than the handshake.
        anchors.add(jdkCas());
        SSLContext context = SSLContext.getInstance("TLS");
        TrustManager trust = tls.verify() ? new TlsTrust(anchors, name, key, clock) : new TrustingEverything();
        context.init(null, new TrustManager[] {trust}, null);
        return context;
    }

    /** The JDK's CAs (lib/security/cacerts), read once: reading them takes tens of milliseconds. */
    private static synchronized X509TrustManager jdkCas() throws GeneralSecurityException {
        if (jdkCas == null) {
            jdkCas = trustManager(null);
        }
        return jdkCas;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager from " + f.getAlgorithm());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        X509Certificate leaf = chain[0];
        String subject = leaf.getSubjectX500Principal().getName();
        Instant now = clock.instant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            throw new Problem("the certificate of " + subject + " expired on " + notAfter + " ("
                    + days(Duration.between(notAfter, now)) + " ago): renew it");
        }
        if (now.isBefore(notBefore)) {
            throw new Problem("the certificate of " + subject + " is not valid before " + notBefore
                    + ": is this machine's clock right?");
        }
        List<String> names = names(leaf);
        if (names.stream().noneMatch(n -> matches(n, name))) {
            throw new Problem("the certificate is for " + (names.isEmpty() ? "no name (no subjectAltName)"
                    : String.join(", ", names)) + ", not " + name + ": set " + key
                    + ".http.tls.sni (or " + key + ".http.host) to one of its names, or serve a certificate for " + name);
        }
        CertificateException last = null;
        for (X509TrustManager anchor : anchors) {
            try {
                anchor.checkServerTrusted(chain, authType);
                return;
            } catch (CertificateException e) {
                last = e;
            }
        }
        X509Certificate top = chain[chain.length - 1];
        String issuer = top.getIssuerX500Principal().getName();
        boolean selfSigned = top.getIssuerX500Principal().equals(top.getSubjectX500Principal());
        throw new Problem("the certificate of " + subject + (selfSigned && chain.length == 1 ? " is self-signed"
                : " is issued by " + issuer + ", which is not trusted") + ": set " + key
                + ".http.tls.ca-file to the CA's certificate (" + (last == null ? "" : last.getMessage()) + ")");
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days >= 1 ? days + (days == 1 ? " day" : " days") : d.toHours() + " hours";
    }

    /** The DNS and IP subjectAltNames; the subject's CN only when there are none (RFC 6125 6.4.4). */
    static List<String> names(X509Certificate cert) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        Collection<List<?>> alt = cert.getSubjectAlternativeNames();
        if (alt != null) {
            for (List<?> entry : alt) {
                int type = (Integer) entry.get(0);
                if (type == 2 || type == 7) {
                    names.add(entry.get(1).toString());
                }
            }
        }
        if (names.isEmpty()) {
            for (String part : cert.getSubjectX500Principal().getName().split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3));
                }
            }
        }
        return names;
    }

    /** RFC 6125: case-insensitive, a wildcard only as the whole left-most label, matching one label. */
    static boolean matches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(p.substring(1));
        }
        return p.equals(h);
    }

    /** {@code tls.verify = false}: any certificate, like {@code curl -k}. */
    private static final class TrustingEverything extends ServerTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }
    }
}
