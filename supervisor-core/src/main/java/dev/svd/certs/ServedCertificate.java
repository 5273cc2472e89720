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
    private ServedCertificate() {}

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
