package dev.svd.config;

import dev.svd.config.ProbeCheck.HostPort;
import dev.svd.config.ProbeCheck.StatusRange;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a service's {@code ready { ... }} and {@code health { ... }} blocks into {@link ProbeSpec}s:
 * exactly one check (http, tcp or exec) and the timing. Used by one thread, like {@link ServiceReader}.
 */
final class ProbeReader {
    static final List<String> CHECKS = List.of("http", "tcp", "exec", "notify");
    /** The timing keys that mean something for {@code ready { notify = true }}: no polling, so only the bound. */
    static final List<String> NOTIFY_TIMING_KEYS = List.of("start-timeout");
    static final List<String> TIMING_KEYS = List.of("interval", "timeout", "initial-delay", "failure-threshold",
            "success-threshold", "start-timeout", "start-period");
    static final List<String> HTTP_KEYS = List.of("url", "host", "expect", "body-contains", "tls", "connect-to");
    static final List<String> TLS_KEYS = List.of("verify", "ca-file", "sni");
    static final List<String> TCP_KEYS = List.of("address");
    static final List<String> EXEC_KEYS = List.of("command");

    /** Failures in a row before a liveness probe counts as failed; readiness takes the first. */
    static final int HEALTH_FAILURE_THRESHOLD = 3;
    static final int READY_FAILURE_THRESHOLD = 1;

    static final List<StatusRange> DEFAULT_EXPECT = List.of(new StatusRange(200, 399));

    private static final String URL_EXAMPLE = "\"http://127.0.0.1:8000/healthz\"";
    private static final String ADDRESS_EXAMPLE = "\"127.0.0.1:8000\"";
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]/\\s]+)):([0-9]{1,5})");
    private static final Pattern RANGE = Pattern.compile("([0-9]{3})\\s*-\\s*([0-9]{3})");
    private static final Pattern CLASS = Pattern.compile("([1-5])[xX]{2}");
    private static final Pattern HOST_NAME = Pattern.compile("[^\\s/@?#]+");

    private final HostChecks host;

    ProbeReader(HostChecks host) {
        this.host = host;
    }

    /** {@code key} is "ready" or "health"; {@code directory} is the service's, for a relative exec program. */
    Optional<ProbeSpec> read(ConfigReader service, String key, Optional<Path> directory) {
        boolean ready = key.equals("ready");
        return service.object(key).flatMap(r -> {
            List<String> known = new ArrayList<>(CHECKS);
            known.addAll(TIMING_KEYS);
            r.rejectUnknownKeys(known);
            Optional<ProbeCheck> check = check(service, key, r, directory);
            Duration interval = r.positiveDuration("interval",
                    ready ? ProbeSpec.DEFAULT_READY_INTERVAL : ProbeSpec.DEFAULT_INTERVAL);
            Duration timeout = r.positiveDuration("timeout", ProbeSpec.DEFAULT_TIMEOUT);
            Duration initialDelay = r.duration("initial-delay", Duration.ZERO);
            int failures = r.integer("failure-threshold", ready ? READY_FAILURE_THRESHOLD : HEALTH_FAILURE_THRESHOLD, 1);
            int successes = r.integer("success-threshold", 1, 1);
            Duration startTimeout = ready ? r.positiveDuration("start-timeout", ProbeSpec.DEFAULT_START_TIMEOUT)
                    : Duration.ZERO;
            if (!ready && r.has("start-timeout")) {
                r.problem("start-timeout", "applies to ready { ... } only: a liveness probe restarts after"
                        + " failure-threshold failures instead");
            }
            Duration startPeriod = ready ? Duration.ZERO : r.duration("start-period", ProbeSpec.DEFAULT_START_PERIOD);
            if (ready && r.has("start-period")) {
                r.problem("start-period", "applies to health { ... } only: readiness has start-timeout instead");
            }
            if (check.isPresent() && check.get() instanceof ProbeCheck.Notify) {
                TIMING_KEYS.stream().filter(k -> r.has(k) && !NOTIFY_TIMING_KEYS.contains(k)).forEach(k -> r.problem(k,
                        "does not apply to ready { notify = true }: readiness is the service's READY=1, nothing is"
                                + " polled; only start-timeout applies"));
            }
            return check.map(c -> new ProbeSpec(c, interval, timeout, initialDelay, failures, successes, startTimeout,
                    startPeriod, r.origin()));
        });
    }

    private Optional<ProbeCheck> check(ConfigReader service, String key, ConfigReader r, Optional<Path> directory) {
        List<String> given = CHECKS.stream().filter(r::has).toList();
        if (given.isEmpty()) {
            service.problem(key, "needs one check: http { url = " + URL_EXAMPLE + " }, tcp { address = " + ADDRESS_EXAMPLE
                    + (key.equals("ready") ? " }, exec { command = [...] } or notify = true" : " } or exec { command = [...] }"));
            return Optional.empty();
        }
        if (given.size() > 1) {
            r.problem(given.get(1), "a probe makes one check, but this one has " + String.join(" and ", given)
                    + ": keep one");
            return Optional.empty();
        }
        return switch (given.get(0)) {
            case "notify" -> notify(r, key);
            case "http" -> r.object("http").flatMap(ProbeReader::http);
            case "tcp" -> r.object("tcp").flatMap(ProbeReader::tcp);
            default -> r.object("exec").flatMap(e -> exec(e, directory));
        };
    }

    /**
     * {@code notify = true}: ready on {@code READY=1} (docs/notify.md). Readiness only: liveness by
     * notification is the service's {@code watchdog}.
     */
    private static Optional<ProbeCheck> notify(ConfigReader r, String key) {
        boolean on = r.bool("notify", true);
        if (!key.equals("ready")) {
            r.problem("notify", "applies to ready { ... } only; for liveness by notification set the service's"
                    + " watchdog = 10s (the service sends WATCHDOG=1)");
            return Optional.empty();
        }
        if (!on) {
            r.problem("notify", "notify = false is no check: remove it, or give an http, tcp or exec check");
            return Optional.empty();
        }
        return Optional.of(new ProbeCheck.Notify());
    }

    private static Optional<ProbeCheck> http(ConfigReader r) {
        r.rejectUnknownKeys(HTTP_KEYS);
        Optional<URI> url = r.string("url", URL_EXAMPLE).flatMap(u -> url(r, u));
        if (!r.has("url")) {
            r.problem("url", "missing: an http probe needs a url such as " + URL_EXAMPLE);
        }
        Optional<String> host = r.string("host", "\"totheballpark.info\"").filter(h -> {
            boolean ok = HOST_NAME.matcher(h).matches();
            if (!ok) {
                r.problem("host", "expected a host name such as \"totheballpark.info\", optionally with :port (was \"" + h + "\")");
            }
            return ok;
        });
        List<StatusRange> expect = r.stringList("expect", "[\"200-399\"]").map(list -> expect(r, list))
                .orElse(DEFAULT_EXPECT);
        Optional<String> body = r.string("body-contains", "\"ok\"").filter(b -> {
            if (b.isEmpty()) {
                r.problem("body-contains", "must not be empty");
            }
            return !b.isEmpty();
        });
        ProbeCheck.Tls tls = r.object("tls").map(ProbeReader::tls).orElse(ProbeCheck.Tls.DEFAULT);
        if (r.has("tls") && url.isPresent() && !url.get().getScheme().equals("https")) {
            r.problem("tls", "applies to https:// URLs only (the url is " + url.get() + ")");
        }
        Optional<HostPort> connectTo = r.string("connect-to", "\"127.0.0.1:8443\"").flatMap(a -> hostPort(r, "connect-to", a));
        return url.map(u -> new ProbeCheck.Http(u, host, expect, body, tls, connectTo));
    }

    private static Optional<URI> url(ConfigReader r, String text) {
        String expected = "expected an http:// or https:// URL such as " + URL_EXAMPLE + " (was \"" + text + "\")";
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                r.problem("url", expected);
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            r.problem("url", expected + ": " + e.getReason());
            return Optional.empty();
        }
    }

    private static List<StatusRange> expect(ConfigReader r, List<String> entries) {
        if (entries.isEmpty()) {
            r.problem("expect", "must not be empty: list the statuses that count as success, such as [\"200-399\"]");
            return DEFAULT_EXPECT;
        }
        List<StatusRange> ranges = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            int index = i;
            statusRange(entries.get(i)).ifPresentOrElse(ranges::add, () -> r.elementProblem("expect", index,
                    "expected a status such as 200, a range such as \"200-399\" or a class such as \"2xx\", between 100"
                            + " and 599 (was \"" + entries.get(index) + "\")"));
        }
        return ranges.isEmpty() ? DEFAULT_EXPECT : ranges;
    }

    /** {@code 200}, {@code "200-399"} or {@code "2xx"}, within 100-599 and in order; empty otherwise. */
    static Optional<StatusRange> statusRange(String text) {
        String t = text.trim();
        int from;
        int to;
        Matcher range = RANGE.matcher(t);
        Matcher cls = CLASS.matcher(t);
        if (t.matches("[0-9]{3}")) {
            from = to = Integer.parseInt(t);
        } else if (range.matches()) {
            from = Integer.parseInt(range.group(1));
            to = Integer.parseInt(range.group(2));
        } else if (cls.matches()) {
            from = Integer.parseInt(cls.group(1)) * 100;
            to = from + 99;
        } else {
            return Optional.empty();
        }
        return from >= 100 && to <= 599 && from <= to ? Optional.of(new StatusRange(from, to)) : Optional.empty();
    }

    private static ProbeCheck.Tls tls(ConfigReader r) {
        r.rejectUnknownKeys(TLS_KEYS);
        boolean verify = r.bool("verify", true);
        Optional<Path> caFile = r.path("ca-file", "\"/etc/svd/ca.pem\"");
        caFile.ifPresent(f -> {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                r.problem("ca-file", f + (Files.exists(f) ? " is not a readable file" : " does not exist"));
            }
        });
        Optional<String> sni = r.string("sni", "\"totheballpark.info\"");
        return new ProbeCheck.Tls(verify, caFile, sni);
    }

    private static Optional<ProbeCheck> tcp(ConfigReader r) {
        r.rejectUnknownKeys(TCP_KEYS);
        if (!r.has("address")) {
            r.problem("address", "missing: a tcp probe needs an address such as " + ADDRESS_EXAMPLE);
        }
        return r.string("address", ADDRESS_EXAMPLE).flatMap(a -> hostPort(r, "address", a)).map(ProbeCheck.Tcp::new);
    }

    private Optional<ProbeCheck> exec(ConfigReader r, Optional<Path> directory) {
        r.rejectUnknownKeys(EXEC_KEYS);
        Optional<List<String>> command = r.stringList("command", "[\"/usr/bin/pg_isready\", \"-q\"]");
        if (command.isEmpty() && !r.has("command")) {
            r.problem("command", "missing: an exec probe needs a command such as [\"/usr/bin/pg_isready\", \"-q\"]");
        }
        if (command.isPresent() && command.get().isEmpty()) {
            r.problem("command", "must not be empty: give the program and its arguments");
            return Optional.empty();
        }
        command.ifPresent(c -> host.executableProblem(c.get(0), directory).ifPresent(m -> r.problem("command", m)));
        return command.map(ProbeCheck.Exec::new);
    }

    private static Optional<HostPort> hostPort(ConfigReader r, String key, String text) {
        Optional<HostPort> parsed = hostPort(text);
        if (parsed.isEmpty()) {
            r.problem(key, "expected host:port such as " + ADDRESS_EXAMPLE + " or \"[::1]:8443\", port 1-65535 (was \""
                    + text + "\")");
        }
        return parsed;
    }

    /** "127.0.0.1:8000", "[::1]:8443", "localhost:80"; empty when malformed or the port is out of range. */
    static Optional<HostPort> hostPort(String text) {
        Matcher m = HOST_PORT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(3));
        String h = m.group(1) != null ? m.group(1) : m.group(2);
        return port >= 1 && port <= 65535 ? Optional.of(new HostPort(h, port)) : Optional.empty();
    }
}
