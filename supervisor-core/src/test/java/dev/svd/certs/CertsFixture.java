package dev.svd.certs;

import dev.svd.config.ProbeCheck;
import dev.svd.daemon.SvdProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the certificate ITs share: the nginx they run under svd (8081-style challenge port, a TLS
 * port on the certificate svd keeps), its teardown with svd and pebble, and how they read what
 * nginx serves.
 */
final class CertsFixture {
    static final String DOMAIN = "totheballpark.test";

    private CertsFixture() {}

    /** Makes {@code dir/nginx} with the temp and log directories nginx needs; returns it. */
    static Path nginxDirectory(Path dir) throws IOException {
        Path nginx = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(nginx.resolve("tmp"));
        Files.createDirectories(nginx.resolve("logs"));
        return nginx;
    }

    /**
     * nginx's config: {@code httpPort} serves {@code /.well-known/acme-challenge/} from
     * {@code challengeRoot} and redirects the rest; {@code tlsPort} serves the certificate svd keeps
     * in {@code state/certs/site/}.
     */
    static String nginxConf(Path nginx, int httpPort, Path challengeRoot, int tlsPort, Path state) {
        return nginxConf(nginx, httpPort, challengeRoot, tlsPort, state.resolve("certs/site/fullchain.pem"),
                state.resolve("certs/site/privkey.pem"));
    }

    /** The same, serving the certificate at {@code cert} and its key at {@code key}. */
    static String nginxConf(Path nginx, int httpPort, Path challengeRoot, int tlsPort, Path cert, Path key) {
        return """
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log notice;
                events { worker_connections 64; }
                http {
                    access_log %1$s/logs/access.log;
                    client_body_temp_path %1$s/tmp/body; proxy_temp_path %1$s/tmp/proxy; fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi; scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location /.well-known/acme-challenge/ { root %3$s; default_type text/plain; }
                        location / { return 301 https://$host$request_uri; }
                    }
                    server {
                        listen 127.0.0.1:%4$d ssl;
                        ssl_certificate     %5$s;
                        ssl_certificate_key %6$s;
                        location / { return 200 "ok\\n"; }
                    }
                }
                """.formatted(nginx, httpPort, challengeRoot, tlsPort, cert, key);
    }

    /** svd stops nginx itself on TERM; whatever is left (nginx by its pid file, pebble) is killed by PID. */
    static void stopAll(Path dir, SvdProcess svd, Pebble pebble) throws Exception {
        try {
            if (svd != null) {
                svd.signal("TERM");
                svd.awaitExit(Duration.ofSeconds(20));
            }
        } finally {
            if (svd != null) {
                svd.close();
            }
            Path pidFile = dir.resolve("nginx/nginx.pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
            if (pebble != null) {
                pebble.close();
            }
        }
    }

    /** The certificate nginx serves on {@code tlsPort} for {@link #DOMAIN}. */
    static CertificateFile served(int tlsPort) throws IOException {
        return ServedCertificate.fetch(new ProbeCheck.HostPort("127.0.0.1", tlsPort), DOMAIN, Duration.ofSeconds(5));
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
