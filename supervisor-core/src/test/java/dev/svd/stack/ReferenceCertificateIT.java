package dev.svd.stack;

import dev.svd.certs.Pebble;
import dev.svd.protocol.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6's first promise on the reference deployment itself (conf/svd.conf, conf/nginx, the real
 * nginx, gunicorn and Django): from an empty certificate directory to nginx serving a certificate of
 * Debian's pebble, with no step but starting svd. pebble runs on loopback and validates HTTP-01
 * through nginx's plain HTTP port; certbot's directories are in the test's directory.
 */
class ReferenceCertificateIT {
    @TempDir
    Path dir;

    @Test
    void fromAnEmptyCertificateDirectoryNginxServesPebblesCertificateOnlyByStartingSvd() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir);
             Pebble pebble = Pebble.start(dir.resolve("pebble"), stack.httpPort)) {
            stack.useAcmeServer(pebble.directory(), pebble.caBundle());
            assertThat(dir.resolve("certs")).as("svd's certificate paths before the start").doesNotExist();
            assertThat(dir.resolve("letsencrypt")).as("certbot's directories before the start").doesNotExist();

            stack.start();
            try {
                await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                        .until(() -> stack.servedCertificate().getIssuerX500Principal().getName().contains("Pebble"));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("nginx serves no certificate of pebble's\n" + stack.output() + pebble.output(), e);
            }

            // svd confirms over TLS, then records the result and removes the placeholder: wait for that too
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.socket().hasResult(ReferenceStack.CERTIFICATE));

            // What nginx serves with the domain as SNI is pebble's: issued by its intermediate, signed with its key.
            X509Certificate served = stack.servedCertificate();
            X509Certificate intermediate = pebble.intermediate();
            assertThat(served.getIssuerX500Principal()).isEqualTo(intermediate.getSubjectX500Principal());
            served.verify(intermediate.getPublicKey());
            assertThat(served.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
                    .containsExactlyInAnyOrder((Object) ReferenceStack.DOMAIN, "www." + ReferenceStack.DOMAIN);
            String serial = served.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);

            // It is certbot's lineage, reached through the paths svd keeps; the placeholder is gone.
            Path live = dir.resolve("letsencrypt/config/live/site");
            assertThat(read(live.resolve("cert.pem")).getSerialNumber()).isEqualTo(served.getSerialNumber());
            assertThat(Files.readSymbolicLink(dir.resolve("certs/site/fullchain.pem"))).isEqualTo(live.resolve("fullchain.pem"));
            assertThat(Files.readSymbolicLink(dir.resolve("certs/site/privkey.pem"))).isEqualTo(live.resolve("privkey.pem"));
            assertThat(dir.resolve("certs/site/placeholder")).doesNotExist();

            // Django answers through it, and curl accepts it for the domain with pebble's root as the only CA (no -k).
            Path root = pebble.root(dir.resolve("pebble-root.pem"));
            ReferenceStack.Response page = stack.httpsVerified(root, "/");
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).contains("baseball ok host=" + ReferenceStack.DOMAIN + " secure=True");
            assertThat(stack.httpsVerified(root, "/healthz").body()).isEqualTo("ok\n");

            // svd's certs request and svctl certs say so.
            JsonObject site = stack.socket().certificate(ReferenceStack.CERTIFICATE);
            assertThat(site.boolOr("placeholder", true)).as(site.toString()).isFalse();
            assertThat(site.string("serial")).isEqualTo(serial);
            assertThat(site.string("issuer")).contains("Pebble");
            assertThat(site.object("last_result").string("outcome")).as(site.toString()).isEqualTo("issued");
            ReferenceStack.Svctl certs = stack.svctl("certs");
            assertThat(certs.exit()).as(certs.out() + certs.err()).isZero();
            assertThat(certs.out()).contains("site").contains(serial).contains("Pebble").contains("valid for");

            // The order that made it possible: placeholder, nginx started on it, then issuance and a checked reload.
            List<String> log = stack.stdout().lines().toList();
            int placeholder = indexOf(log, "serving a self-signed placeholder");
            int nginxStarts = indexOf(log, "nginx: stopped -> starting");
            int asking = indexOf(log, "asking " + pebble.directory());
            int reload = indexOf(log, "nginx: sent SIGHUP");
            assertThat(placeholder).as(stack.output()).isNotNegative().isLessThan(nginxStarts);
            assertThat(asking).as(stack.output()).isGreaterThan(nginxStarts).isLessThan(reload);
            assertThat(stack.lines("certificate site: issued")).as(stack.output()).hasSize(1);
        }
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) Objects.requireNonNull(CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
