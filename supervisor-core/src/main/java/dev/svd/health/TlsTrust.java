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
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
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
     * The TLS client of one probe. Its context keeps sessions for {@link #SESSION_SECONDS}: a resumed
     * handshake skips the certificate's signatures, which are most of an https probe's CPU (JDK 17
     * does elliptic curves in Java), so the trust manager is not asked then, and
     * {@link #checkSession} checks the certificate's dates and name on every probe instead.
     */
    record Client(SSLContext context, TlsTrust trust) {
        /** An engine for {@code name} at {@code port}: the JDK resumes sessions by that pair. */
        SSLEngine engine(String name, int port) {
            SSLEngine engine = context.createSSLEngine(name, port);
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(name.matches("[0-9.]+|.*:.*") ? List.of() : List.of(new SNIHostName(name)));
            engine.setSSLParameters(parameters);
            return engine;
        }

        /** After a handshake, full or resumed: the certificate's dates and name, unless verify is off. */
        void checkSession(SSLSession session) throws CertificateException {
            if (trust != null) {
                try {
                    trust.checkLeaf((X509Certificate) session.getPeerCertificates()[0]);
                } catch (SSLPeerUnverifiedException e) {
                    throw new CertificateException("the server sent no certificate", e);
                }
            }
        }
    }

    /**
     * Sessions are resumed for this long, then a full handshake checks the chain again (and sees a
     * renewed certificate). Five minutes: at most that long to notice a reload with a new certificate.
     */
    static final int SESSION_SECONDS = 300;

    /**
     * A client for one probe. {@code name} is the SNI name the certificate must match;
     * {@code key} the probe's block ("ready") for hints. With {@code verify = false} nothing is
     * checked, like {@code curl -k}.
     */
    static Client client(ProbeCheck.Tls tls, String name, String key, Clock clock)
            throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        if (!tls.verify()) {
            // Nothing is checked, so no CA is read: the JDK's 140-odd CAs stayed in svd's heap for
            // nothing, with the key store and PKIX classes they load (docs/benchmarks.md, "Probes at idle").
            context.init(null, new TrustManager[] {new TrustingEverything()}, null);
            context.getClientSessionContext().setSessionTimeout(SESSION_SECONDS);
            return new Client(context, null);
        }
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
        TlsTrust trust = new TlsTrust(anchors, name, key, clock);
        context.init(null, new TrustManager[] {trust}, null);
        context.getClientSessionContext().setSessionTimeout(SESSION_SECONDS);
        return new Client(context, trust);
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
        checkLeaf(chain[0]);
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
        throw new Problem("the certificate of " + chain[0].getSubjectX500Principal().getName()
                + (selfSigned && chain.length == 1 ? " is self-signed" : " is issued by " + issuer + ", which is not trusted")
                + ": set " + key + ".http.tls.ca-file to the CA's certificate (" + (last == null ? "" : last.getMessage()) + ")");
    }

    /** The dates, then the name; the first that fails is the problem. */
    void checkLeaf(X509Certificate leaf) throws CertificateException {
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
