package dev.svd.certs;

import dev.svd.config.ProbeCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Reads the certificate a TLS server serves for a name (SNI), as {@code openssl s_client -servername}
 * does: connect to the local address, not the public one (no hairpin NAT, field notes). Nothing is
 * verified, because the point is to see what is served, placeholder included. Blocking.
 */
final class ServedCertificate {
    private static final Duration PAUSE = Duration.ofMillis(100);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
    private static final int CONFIRMATIONS = 3;

    private ServedCertificate() {}

    /**
     * Waits until {@code at} serves {@code serial} for {@code sni}. A service whose reload is confirmed by its workers
     * (docs/svctl.md, "What a confirmed reload means") serves it on the first new connection; one with
     * {@code reload.confirm = none} applies the HUP on its own time (nginx: 160-330 ms, docs/decisions/0004 §7). So
     * this polls a server svd does not own, with a deadline, until {@link #CONFIRMATIONS} connections in a row get
     * the new serial.
     */
    static void awaitSerial(ProbeCheck.HostPort at, String sni, String serial, List<String> reloaded, Duration timeout)
            throws CertificateException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        int inRow = 0;
        while (true) {
            try {
                String served = fetch(at, sni, CHECK_TIMEOUT).serial();
                inRow = served.equals(serial) ? inRow + 1 : 0;
                if (inRow >= CONFIRMATIONS) {
                    return;
                }
                last = inRow > 0 ? "served it only " + inRow + " times in a row" : "still serves serial " + served;
            } catch (IOException e) {
                inRow = 0;
                last = "TLS failed: " + e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new CertificateException("reloaded " + String.join(", ", reloaded) + ", but " + at + " (SNI " + sni
                        + ") " + last + ", not serial " + serial + " after " + timeout.toSeconds() + "s");
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CertificateException("interrupted while confirming the served certificate");
            }
        }
    }

    static CertificateFile fetch(ProbeCheck.HostPort at, String sni, Duration timeout) throws IOException {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new ReadOnly()}, new SecureRandom());
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(at.host(), at.port()), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                var params = socket.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName(sni)));
                socket.setSSLParameters(params);
                socket.startHandshake();
                return CertificateFile.of((X509Certificate) socket.getSession().getPeerCertificates()[0]);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS with " + at + " (SNI " + sni + "): " + e.getMessage(), e);
        }
    }

    /** Accepts any chain: svd only reads what is served and compares it with the files. */
    private static final class ReadOnly implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // read, not trusted: see the class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
