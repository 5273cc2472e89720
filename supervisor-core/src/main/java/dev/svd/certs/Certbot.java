package dev.svd.certs;

import dev.svd.config.CertificateSpec;
import dev.svd.os.SpawnRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * certbot's command lines for one certificate, and its output turned into one reason an operator
 * can act on. Pure; any thread. Flags are from certbot 2.1 (Debian 12); see docs/decisions/0004 §7.
 */
final class Certbot {
    private static final Pattern DETAIL = Pattern.compile("(?m)^\\s*Domain:\\s*(\\S+)\\s*$(?:\\s*^\\s*Type:\\s*(.*)$)?\\s*^\\s*Detail:\\s*(.*)$");
    private static final Pattern RENEW_ERROR = Pattern.compile("(?m)^Failed to renew certificate \\S+ with error: (.*)$");
    private static final Pattern UNREACHABLE = Pattern.compile(
            "Connection refused|Max retries exceeded|Name or service not known|timed out|ConnectionError|Failed to establish");

    private Certbot() {}

    /** Live files certbot keeps for the lineage: symlinks into archive/, replaced on each renewal. */
    static Path live(CertificateSpec spec, String file) {
        return dev.svd.config.CertificatePaths.live(spec, file);
    }

    static Path renewalConf(CertificateSpec spec) {
        return spec.certbotDirs().config().resolve("renewal").resolve(spec.name() + ".conf");
    }

    /** First issuance: {@code certbot certonly --webroot}, non-interactive. */
    static List<String> certonly(CertificateSpec spec) {
        List<String> argv = common(spec, "certonly");
        argv.addAll(List.of("--webroot", "-w", spec.webroot().toString()));
        for (String d : spec.domains()) {
            argv.addAll(List.of("-d", d));
        }
        argv.addAll(List.of("--cert-name", spec.name(), "--agree-tos"));
        if (spec.email().isPresent()) {
            argv.addAll(List.of("--email", spec.email().get()));
        } else {
            argv.add("--register-unsafely-without-email");
        }
        return argv;
    }

    /**
     * Renewal of this lineage only. Without a terminal certbot sleeps a random 1-480 s first unless told
     * not to (the flag is hidden from --help); svd applies its own random delay instead.
     */
    static List<String> renew(CertificateSpec spec, boolean force) {
        List<String> argv = common(spec, "renew");
        argv.addAll(List.of("--cert-name", spec.name(), "--webroot", "-w", spec.webroot().toString(),
                "--no-random-sleep-on-renew"));
        if (force) {
            argv.add("--force-renewal");
        }
        return argv;
    }

    private static List<String> common(CertificateSpec spec, String verb) {
        CertificateSpec.CertbotDirs dirs = spec.certbotDirs();
        return new ArrayList<>(List.of("certbot", verb, "--non-interactive",
                "--config-dir", dirs.config().toString(), "--work-dir", dirs.work().toString(),
                "--logs-dir", dirs.logs().toString(), "--server", spec.acmeServer().toString()));
    }

    /**
     * The request for svd's CommandRunner. {@code REQUESTS_CA_BUNDLE} makes certbot (python-requests)
     * trust a test ACME server's own CA; it is stored nowhere, so it is set for every run.
     */
    static SpawnRequest request(CertificateSpec spec, List<String> argv) {
        Map<String, String> env = spec.caBundle().map(p -> Map.of("REQUESTS_CA_BUNDLE", p.toString())).orElse(Map.of());
        return new SpawnRequest("certificate " + spec.name() + " (certbot)", argv, Optional.empty(), env, Optional.empty());
    }

    /** certbot's failure output as one reason, such as "the ACME server could not fetch the challenge: ...". */
    static String explain(String output, String acmeServer) {
        Matcher detail = DETAIL.matcher(output);
        List<String> problems = new ArrayList<>();
        while (detail.find()) {
            problems.add(detail.group(1) + ": " + detail.group(3).strip());
        }
        if (!problems.isEmpty()) {
            return "the ACME server could not fetch the challenge: " + String.join("; ", problems);
        }
        Matcher renew = RENEW_ERROR.matcher(output);
        String cause = renew.find() ? renew.group(1).strip() : lastLine(output);
        if (output.contains("accountDoesNotExist")) {
            return "the ACME server " + acmeServer + " does not know certbot's account (was the server reset?): " + cause;
        }
        if (UNREACHABLE.matcher(cause).find() || UNREACHABLE.matcher(output).find() && renew.hitEnd()) {
            return "the ACME server " + acmeServer + " is unreachable: " + cause;
        }
        return cause;
    }

    private static String lastLine(String output) {
        String found = "certbot gave no reason";
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("Ask for help") && !l.startsWith("Saving debug log")
                    && !l.startsWith("See the logfile") && !l.startsWith("- - -") && !l.contains("Re-run Certbot with -v")) {
                found = l;
            }
        }
        return found;
    }
}
