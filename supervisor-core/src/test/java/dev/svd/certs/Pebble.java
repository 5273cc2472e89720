package dev.svd.certs;

import static org.awaitility.Awaitility.await;

import dev.svd.testing.Ports;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's pebble (Let's Encrypt's test ACME server) on loopback for the certificate ITs, with
 * pebble-challtestsrv as its DNS server answering 127.0.0.1 for every name and no AAAA (else pebble's
 * VA dials [::1] and does not fall back: docs/decisions/0004 §7). Debian ships no test
 * certificates, so its listener certificate comes from a CA made here with openssl, which certbot
 * trusts through {@link #caBundle()} (svd's {@code ca-bundle}, certbot's REQUESTS_CA_BUNDLE). All
 * ports are chosen free. {@link #close()} SIGKILLs both programs (by their Process handles), also
 * when a test failed. Used by one test thread.
 */
public final class Pebble implements AutoCloseable {
    private final Path dir;
    private final int acmePort;
    private final int managementPort;
    private final int tlsAlpnPort;
    private final int dnsPort;
    private final int dnsManagementPort;
    private final List<Process> processes = new ArrayList<>();
    private Process pebble;

    private Pebble(Path dir, int[] ports) {
        this.dir = dir;
        this.acmePort = ports[0];
        this.managementPort = ports[1];
        this.tlsAlpnPort = ports[2];
        this.dnsPort = ports[3];
        this.dnsManagementPort = ports[4];
    }

    /**
     * Starts challtestsrv and pebble, their files and output in {@code dir}, validating HTTP-01 challenges
     * on {@code httpPort} (nginx's plain HTTP port); returns once both listen.
     */
    public static Pebble start(Path dir, int httpPort) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        // acme, management, pebble's tls-alpn port (unused), dns, dns management
        Pebble p = new Pebble(dir, Ports.freePorts(5));
        try {
            p.startPrograms(httpPort);
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void startPrograms(int httpPort) throws IOException, InterruptedException {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pebble listener test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", "ca.key", "-out", "ca.pem");
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "srv.csr");
        Files.writeString(dir.resolve("srv.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        run("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "srv.ext", "-out", "cert.pem");
        Files.writeString(dir.resolve("pebble-config.json"), """
                { "pebble": { "listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false } }
                """.formatted(acmePort, managementPort, dir.resolve("cert.pem"), dir.resolve("key.pem"), httpPort, tlsAlpnPort));
        processes.add(new ProcessBuilder("pebble-challtestsrv", "-dns01", "127.0.0.1:" + dnsPort, "-management",
                "127.0.0.1:" + dnsManagementPort, "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "127.0.0.1",
                "-defaultIPv6", "").redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.out").toFile()).start());
        ProcessBuilder pb = new ProcessBuilder("pebble", "-config", dir.resolve("pebble-config.json").toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort, "-strict=false").redirectErrorStream(true)
                .redirectOutput(dir.resolve("pebble.out").toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        pb.environment().put("PEBBLE_AUTHZREUSE", "0"); // every order really goes through HTTP-01 via nginx
        pebble = pb.start();
        processes.add(pebble);
        await().atMost(Duration.ofSeconds(30)).until(() -> listening(acmePort) && listening(managementPort)
                && listening(dnsManagementPort));
    }

    /** pebble's ACME directory, for svd's {@code acme-server}. */
    public URI directory() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    public int acmePort() {
        return acmePort;
    }

    /** The CA of pebble's listener certificate, for svd's {@code ca-bundle}. */
    public Path caBundle() {
        return dir.resolve("ca.pem");
    }

    /** Makes challtestsrv answer {@code host} with {@code address} (an A record) instead of 127.0.0.1. */
    public void addA(String host, String address) throws IOException, InterruptedException {
        HttpResponse<String> added = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + dnsManagementPort + "/add-a")).POST(HttpRequest.BodyPublishers
                .ofString("{\"host\":\"" + host + "\",\"addresses\":[\"" + address + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (added.statusCode() != 200) {
            throw new AssertionError("challtestsrv refused add-a " + host + ": " + added.statusCode() + " " + added.body());
        }
    }

    /**
     * The intermediate CA that signs pebble's certificates (its management API's /intermediates/0).
     * pebble makes a new one at each start.
     */
    public X509Certificate intermediate() throws IOException, InterruptedException, GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(management("/intermediates/0").getBytes(StandardCharsets.US_ASCII)));
    }

    /** pebble's root CA (/roots/0) written to {@code file} in PEM, for a client that verifies what nginx serves. */
    public Path root(Path file) throws IOException, InterruptedException, GeneralSecurityException {
        return Files.writeString(file, management("/roots/0"));
    }

    /** A GET on pebble's management API, over TLS trusted through {@link #caBundle()}. */
    private String management(String path) throws IOException, InterruptedException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(caBundle())) {
            trust.setCertificateEntry("pebble-listener-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpResponse<String> pem = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (pem.statusCode() != 200) {
            throw new AssertionError("pebble's " + path + " answered " + pem.statusCode() + ": " + pem.body());
        }
        return pem.body();
    }

    /** Stops the ACME server only (challtestsrv stays), as an outage would. */
    public void stopAcmeServer() throws InterruptedException {
        pebble.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** pebble's and challtestsrv's output, for assertion messages. */
    public String output() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String f : List.of("pebble.out", "challtestsrv.out")) {
            Path p = dir.resolve(f);
            out.append(f).append(":\n").append(Files.exists(p) ? Files.readString(p) : "").append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed:\n" + Files.readString(dir.resolve("openssl.out")));
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
