package dev.svd.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One {@code certificates.NAME} block: a certificate svd obtains and renews with certbot (HTTP-01,
 * webroot) and serves through the services in {@code reload}.
 *
 * @param cert        where the service reads the certificate chain (a link svd makes and points at
 *                    the current files: a placeholder first, then certbot's live files; or the operator's
 *                    own file, served as it is and never replaced: {@link CertificatePaths})
 * @param key         likewise for the private key
 * @param acmeServer  the ACME directory URL (production, staging, or a local test server)
 * @param certbotDirs certbot's --config-dir, --work-dir and --logs-dir
 * @param schedule    renewal schedule (crontab), twice a day by default, with {@code randomDelay}
 * @param httpCheck   where the pre-flight fetches the challenge token ("127.0.0.1:8081")
 * @param tlsCheck    where svd confirms the served certificate over TLS with SNI ("127.0.0.1:8443")
 * @param warnDays    a warning event and status flag when fewer days are left
 */
public record CertificateSpec(String name, List<String> domains, Path webroot, Path cert, Path key,
                              List<String> reload, URI acmeServer, Optional<String> email, CertbotDirs certbotDirs,
                              Optional<Path> caBundle, String schedule, Duration randomDelay,
                              ProbeCheck.HostPort httpCheck, ProbeCheck.HostPort tlsCheck, int warnDays,
                              Origin origin) {
    public CertificateSpec {
        domains = List.copyOf(domains);
        reload = List.copyOf(reload);
    }

    /** The name of its renewal job, for {@code svctl jobs} and {@code svctl run}: a contract (docs/certificates.md). */
    public String jobName() {
        return "certificate-" + name;
    }

    /** certbot's own directories ({@code --config-dir}, {@code --work-dir}, {@code --logs-dir}). */
    public record CertbotDirs(Path config, Path work, Path logs) {}
}
