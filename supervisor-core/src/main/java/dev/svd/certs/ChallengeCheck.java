package dev.svd.certs;

import dev.svd.config.ProbeCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The pre-flight of every issuance and renewal: a random token written under the webroot must come
 * back through the local HTTP address with each domain as Host, as the ACME server will fetch it
 * (field notes 5 and 6). Catches a wrong webroot or a stopped nginx before the CA counts a failed
 * validation. Blocking; called on the certificates thread.
 */
final class ChallengeCheck {
    static final String PATH = ".well-known/acme-challenge";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_BODY = 4096;

    private ChallengeCheck() {}

    /** Throws with the first domain for which the token did not come back. */
    static void run(Path webroot, Iterable<String> domains, ProbeCheck.HostPort via, Duration timeout)
            throws CertificateException {
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        String token = "svd-preflight-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path dir = webroot.resolve(PATH);
        Path file = dir.resolve(token);
        try {
            createReadable(dir);
            // The webroot may belong to the web server's user: O_CREAT|O_EXCL|O_NOFOLLOW, so a name
            // planted there is refused, never written through (issue 12); 0644 from the start.
            try (java.nio.channels.FileChannel ch = dev.svd.os.SafePaths.open(file, dev.svd.os.SafePaths.FILE,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            // Whatever the umask; on the file itself, not through a link put there since.
            dev.svd.os.SafePaths.setModeNoFollow(file, dev.svd.os.SafePaths.FILE, null);
        } catch (IOException e) {
            throw new CertificateException("pre-flight: cannot write a token into " + dir + ": " + e.getMessage(), e);
        }
        try {
            for (String domain : domains) {
                String url = "http://" + domain + "/" + PATH + "/" + token;
                String answer;
                try {
                    answer = fetch(via, domain, "/" + PATH + "/" + token, timeout, token);
                } catch (IOException e) {
                    throw new CertificateException("pre-flight: " + url + " via " + via + " failed: " + e.getMessage()
                            + ": is nginx running and listening there?", e);
                }
                if (answer != null) {
                    throw new CertificateException("pre-flight: " + url + " via " + via + " " + answer
                            + ": is nginx serving " + webroot + "?");
                }
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the token is harmless; the next run writes another
            }
        }
    }

    /** Creates the challenge directory (and parents) readable by nginx's workers, which run as nobody. */
    static void createReadable(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
    }

    /** null when the token came back, else what came instead ("returned 404", "returned other content"). */
    static String fetch(ProbeCheck.HostPort via, String host, String path, Duration timeout, String expected)
            throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(via.host(), via.port()), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: svd-preflight\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readAll(s.getInputStream());
            int eol = response.indexOf("\r\n");
            String status = eol < 0 ? response : response.substring(0, eol);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return "answered something other than HTTP (\"" + status + "\")";
            }
            if (!parts[1].equals("200")) {
                return "returned " + parts[1];
            }
            int body = response.indexOf("\r\n\r\n");
            return body >= 0 && response.substring(body + 4).strip().equals(expected) ? null
                    : "returned 200 with other content than the token";
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        int n;
        while ((n = in.read(buf)) > 0 && bytes.size() < MAX_BODY) {
            bytes.write(buf, 0, n);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
