package dev.svd.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one {@code certificates.NAME} block into a {@link CertificateSpec}, and checks its
 * {@code reload} names against the configured services. Used by one thread.
 */
final class CertificateReader {
    static final List<String> KEYS = List.of("domains", "webroot", "cert", "key", "reload", "acme-server", "email",
            "certbot-dirs", "ca-bundle", "schedule", "random-delay", "http-check", "tls-check", "warn-days");
    static final List<String> CERTBOT_DIRS_KEYS = List.of("config", "work", "logs");

    /** Let's Encrypt's production directory. */
    static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** certbot's own defaults (certbot(1)), so an existing /etc/letsencrypt is found. */
    static final CertificateSpec.CertbotDirs CERTBOT_DIRS = new CertificateSpec.CertbotDirs(
            Path.of("/etc/letsencrypt"), Path.of("/var/lib/letsencrypt"), Path.of("/var/log/letsencrypt"));
    /** Twice a day at a random time, as Debian's certbot.timer (OnCalendar 00,12:00, RandomizedDelaySec 12h). */
    static final String SCHEDULE = "0 0,12 * * *";
    static final Duration RANDOM_DELAY = Duration.ofHours(12);
    static final ProbeCheck.HostPort HTTP_CHECK = new ProbeCheck.HostPort("127.0.0.1", 8081);
    static final ProbeCheck.HostPort TLS_CHECK = new ProbeCheck.HostPort("127.0.0.1", 8443);
    static final int WARN_DAYS = 14;

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** A DNS name of letters, digits and hyphens (RFC 1123 labels); a leading "*." is refused (HTTP-01 cannot do it). */
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private final Path stateDir;
    private final HostChecks host;
    private final Clock clock;

    CertificateReader(Path stateDir, HostChecks host) {
        this(stateDir, host, Clock.systemUTC());
    }

    /** @param clock when an existing certificate at {@code cert} must be valid */
    CertificateReader(Path stateDir, HostChecks host, Clock clock) {
        this.stateDir = stateDir;
        this.host = host;
        this.clock = clock;
    }

    CertificateSpec read(String name, ConfigReader r, Set<String> services) {
        r.rejectUnknownKeys(KEYS);
        List<String> domains = domains(r);
        Path webroot = r.path("webroot", "\"/var/www/certbot\"").orElse(Path.of("/"));
        if (!r.has("webroot")) {
            r.problem("webroot", "missing: the directory nginx serves /.well-known/acme-challenge/ from, such as \"/var/www/certbot\"");
        } else {
            absolute(r, "webroot", webroot).flatMap(host::directoryProblem).ifPresent(m -> r.problem("webroot", m));
        }
        Path dir = stateDir.resolve("certs").resolve(name);
        Path cert = r.path("cert", "\"/var/lib/svd/certs/site/fullchain.pem\"").orElse(dir.resolve("fullchain.pem"));
        Path key = r.path("key", "\"/var/lib/svd/certs/site/privkey.pem\"").orElse(dir.resolve("privkey.pem"));
        absolute(r, "cert", cert);
        absolute(r, "key", key);
        if (cert.equals(key)) {
            r.problem("key", "must not be the same file as cert (" + cert + ")");
        }
        List<String> reload = reload(r, services);
        URI acmeServer = r.string("acme-server", "\"https://acme-staging-v02.api.letsencrypt.org/directory\"")
                .flatMap(s -> url(r, s)).orElse(LETS_ENCRYPT);
        Optional<String> email = r.string("email", "\"admin@example.org\"");
        email.filter(e -> !e.matches("[^@\\s]+@[^@\\s]+")).ifPresent(e -> r.problem("email",
                "expected an address such as admin@example.org (was \"" + e + "\")"));
        CertificateSpec.CertbotDirs dirs = certbotDirs(r);
        for (Path own : List.of(cert, key)) {
            if (own.normalize().startsWith(dirs.config().resolve("live").normalize())) {
                r.problem(own == cert ? "cert" : "key", own + " is inside certbot's live/ directory: svd owns this"
                        + " path and points it at certbot's files; leave it out to use " + dir);
            }
        }
        Path placeholder = CertificatePaths.placeholderDir(stateDir, name);
        for (Path own : List.of(cert, key)) {
            if (own.normalize().startsWith(placeholder.normalize())) {
                r.problem(own == cert ? "cert" : "key", own + " is inside svd's placeholder directory " + placeholder
                        + ", which svd replaces and removes; leave it out to use " + dir);
            }
        }
        Optional<Path> caBundle = r.path("ca-bundle", "\"/etc/ssl/pebble/ca.pem\"");
        caBundle.flatMap(p -> absolute(r, "ca-bundle", p)).filter(p -> !p.toFile().isFile())
                .ifPresent(p -> r.problem("ca-bundle", p + " is not a readable file"));
        String schedule = r.string("schedule", "\"0 0,12 * * *\"").orElse(SCHEDULE);
        try {
            schedule = dev.svd.cron.Crontab.parse(schedule).text();
        } catch (IllegalArgumentException e) {
            r.problem("schedule", "expected a crontab schedule such as \"" + SCHEDULE + "\" (was \"" + schedule + "\"): "
                    + e.getMessage());
        }
        CertificateSpec spec = new CertificateSpec(name, domains, webroot, cert, key, reload, acmeServer, email, dirs,
                caBundle, schedule, r.duration("random-delay", RANDOM_DELAY), hostPort(r, "http-check", HTTP_CHECK),
                hostPort(r, "tls-check", TLS_CHECK), r.integer("warn-days", WARN_DAYS, 0), r.origin());
        if (cert.isAbsolute() && key.isAbsolute() && !cert.equals(key)) {
            existingPair(r, spec);
        }
        return spec;
    }

    /**
     * Files at cert/key that svd did not create are served as they are and never replaced (issue 11), so they must
     * be a valid certificate and its key now; else svd refuses to start, leaving them untouched.
     */
    private void existingPair(ConfigReader r, CertificateSpec spec) {
        List<Path> svdTargets = CertificatePaths.svdTargets(stateDir, spec);
        for (ExistingPair.Problem p : ExistingPair.check(spec.cert(), CertificatePaths.holder(spec.cert(), svdTargets),
                spec.key(), CertificatePaths.holder(spec.key(), svdTargets), clock.instant())) {
            r.problem(p.key(), p.message());
        }
    }

    private static List<String> domains(ConfigReader r) {
        List<String> domains = r.stringList("domains", "[totheballpark.info, www.totheballpark.info]").orElse(List.of());
        if (domains.isEmpty()) {
            r.problem("domains", (r.has("domains") ? "must not be empty" : "missing")
                    + ": the names the certificate is for, such as [totheballpark.info, www.totheballpark.info]");
        }
        Set<String> seen = new HashSet<>();
        for (String d : domains) {
            if (!DOMAIN.matcher(d).matches()) {
                r.problem("domains", "\"" + d + "\" is not a domain name (HTTP-01 needs names such as www.example.org,"
                        + " no wildcards)");
            } else if (!seen.add(d.toLowerCase(java.util.Locale.ROOT))) {
                r.problem("domains", "lists \"" + d + "\" twice");
            }
        }
        return domains;
    }

    private static List<String> reload(ConfigReader r, Set<String> services) {
        List<String> reload = r.stringList("reload", "[nginx]").orElse(List.of());
        for (String s : reload) {
            if (!services.contains(s)) {
                r.problem("reload", "no service \"" + s + "\"" + KeySuggester.suggest(s, services)
                        .map(x -> " (did you mean \"" + x + "\"?)").orElse(""));
            }
        }
        return reload;
    }

    private static Optional<URI> url(ConfigReader r, String text) {
        try {
            URI uri = new URI(text);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        r.problem("acme-server", "expected the URL of an ACME directory such as "
                + LETS_ENCRYPT + " (was \"" + text + "\")");
        return Optional.empty();
    }

    private static CertificateSpec.CertbotDirs certbotDirs(ConfigReader block) {
        CertificateSpec.CertbotDirs d = CERTBOT_DIRS;
        return block.object("certbot-dirs").map(r -> {
            r.rejectUnknownKeys(CERTBOT_DIRS_KEYS);
            return new CertificateSpec.CertbotDirs(dir(r, "config", d.config()), dir(r, "work", d.work()),
                    dir(r, "logs", d.logs()));
        }).orElse(d);
    }

    private static Path dir(ConfigReader r, String key, Path fallback) {
        Path p = r.path(key, "\"" + fallback + "\"").orElse(fallback);
        absolute(r, key, p);
        return p;
    }

    private static Optional<Path> absolute(ConfigReader r, String key, Path p) {
        if (!p.isAbsolute()) {
            r.problem(key, "expected an absolute path (was \"" + p + "\")");
            return Optional.empty();
        }
        return Optional.of(p);
    }

    /** Parsed as a probe's connect-to is ({@link ProbeReader#hostPort(String)}), with the same message. */
    private static ProbeCheck.HostPort hostPort(ConfigReader r, String key, ProbeCheck.HostPort fallback) {
        return r.string(key, "\"" + fallback + "\"").map(text -> ProbeReader.hostPort(text).orElseGet(() -> {
            r.problem(key, "expected host:port such as \"" + fallback + "\" or \"[::1]:8443\", port 1-65535 (was \""
                    + text + "\")");
            return fallback;
        })).orElse(fallback);
    }
}
