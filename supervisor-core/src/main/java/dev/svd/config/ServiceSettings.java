package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A service's effective configuration as {@code svctl show} prints it: every key with its value
 * and where the value came from (the config file and line, the profile, or the default). Pure.
 */
public final class ServiceSettings {
    /** Keys whose default a profile may replace (see {@link Profile}). */
    private static final List<String> PROFILE_KEYS = List.of("stop.", "reload.", "reopen-signal", "pid-file",
            "sockets-env");

    /** One key: its value in config syntax ({@code -} for none), and {@code from}: {@code file:line}, {@code profile NAME} or {@code default}. */
    public record Setting(String key, String value, String from) {}

    private final ServiceSpec spec;
    private final List<Setting> settings = new ArrayList<>();

    private ServiceSettings(ServiceSpec spec) {
        this.spec = spec;
    }

    /**
     * Every key of docs/configuration.md's service table, in its order ({@code environment} one line
     * per variable), then those of its probe table under {@code ready.} and {@code health.}.
     */
    public static List<Setting> of(ServiceSpec spec) {
        ServiceSettings s = new ServiceSettings(spec);
        s.add("command", list(spec.command()));
        s.add("directory", spec.directory().map(Path::toString).orElse("-"));
        new TreeMap<>(spec.environment()).forEach((k, v) -> s.add("environment." + k, quote(v)));
        s.add("environment-file", list(spec.environmentFile().stream().map(EnvironmentFile::toString).toList()));
        s.add("user", spec.user().orElse("-"));
        s.add("restart", spec.restart().configName());
        s.add("stop.signal", spec.stop().signal().name());
        s.add("stop.timeout", duration(spec.stop().timeout()));
        s.add("reload.check", list(spec.reload().check()));
        s.add("reload.signal", spec.reload().signal().name());
        s.add("reload.confirm", spec.reload().confirm().configName());
        s.add("reload.timeout", duration(spec.reload().timeout()));
        s.add("reload.failure-mark", spec.reload().failureMark().map(ServiceSettings::quote).orElse("-"));
        s.add("profile", spec.profile().configName());
        s.add("reopen-signal", spec.reopenSignal().map(Signal::name).orElse("-"));
        s.add("pid-file", spec.pidFile().map(Path::toString).orElse("-"));
        s.add("essential", Boolean.toString(spec.essential()));
        s.add("on-leftover", spec.onLeftover().configName());
        s.add("sockets", spec.sockets().stream().map(k -> "{ listen = " + quote(k.listen()) + ", name = " + quote(k.name())
                + " }").toList().toString());
        s.add("sockets-env", spec.socketsEnv().configName());
        s.add("watchdog", spec.watchdog().map(ServiceSettings::duration).orElse("-"));
        s.add("depends-on", list(spec.dependsOn()));
        s.add("start-seconds", duration(spec.startSeconds()));
        s.add("backoff.initial", duration(spec.backoff().initial()));
        s.add("backoff.max", duration(spec.backoff().max()));
        s.add("backoff.stable-after", duration(spec.backoff().stableAfter()));
        s.add("start-limit.burst", Integer.toString(spec.startLimit().burst()));
        s.add("start-limit.interval", duration(spec.startLimit().interval()));
        s.add("log.max-size", spec.log().maxSize() + "B");
        s.add("log.keep", Integer.toString(spec.log().keep()));
        s.add("log.tail-lines", Integer.toString(spec.log().tailLines()));
        s.add("log.console", Boolean.toString(spec.log().console()));
        s.add("log.timestamps", Boolean.toString(spec.log().timestamps()));
        s.add("log.console-timestamps", Boolean.toString(spec.log().consoleTimestamps()));
        s.probe("ready", spec.ready());
        s.probe("health", spec.health());
        return List.copyOf(s.settings);
    }

    private void add(String key, String value) {
        settings.add(new Setting(key, value, from(key)));
    }

    /**
     * A probe: one line with its check and the block's line (or {@code -}, {@code default} without
     * one), then each key of the probe table of docs/configuration.md that applies to its check and
     * its kind ({@code start-timeout} for {@code ready}, {@code start-period} for {@code health}).
     */
    private void probe(String key, Optional<ProbeSpec> probe) {
        if (probe.isEmpty()) {
            settings.add(new Setting(key, "-", "default"));
            return;
        }
        ProbeCheck c = probe.get().check();
        String check;
        if (c instanceof ProbeCheck.Http h) {
            check = "http " + h.url();
        } else if (c instanceof ProbeCheck.Tcp t) {
            check = "tcp " + t.address().host() + ":" + t.address().port();
        } else if (c instanceof ProbeCheck.Exec e) {
            check = "exec " + list(e.command());
        } else if (c instanceof ProbeCheck.Notify) {
            check = "notify (READY=1)";
        } else {
            check = c.toString();
        }
        settings.add(new Setting(key, check, probe.get().origin().toString()));
        probeKeys(key, probe.get());
    }

    private void probeKeys(String key, ProbeSpec p) {
        if (p.check() instanceof ProbeCheck.Http h) {
            add(key + ".http.url", quote(h.url().toString()));
            add(key + ".http.host", h.host().map(ServiceSettings::quote).orElse("-"));
            add(key + ".http.expect", h.expect().stream().map(r -> quote(r.toString())).toList().toString());
            add(key + ".http.body-contains", h.bodyContains().map(ServiceSettings::quote).orElse("-"));
            add(key + ".http.tls.verify", Boolean.toString(h.tls().verify()));
            add(key + ".http.tls.ca-file", h.tls().caFile().map(Path::toString).orElse("-"));
            add(key + ".http.tls.sni", h.tls().sni().map(ServiceSettings::quote).orElse("-"));
            add(key + ".http.connect-to", h.connectTo().map(a -> quote(a.toString())).orElse("-"));
        } else if (p.check() instanceof ProbeCheck.Tcp t) {
            add(key + ".tcp.address", quote(t.address().toString()));
        } else if (p.check() instanceof ProbeCheck.Exec e) {
            add(key + ".exec.command", list(e.command()));
        } else if (p.check() instanceof ProbeCheck.Notify) {
            add(key + ".notify", "true");
            add(key + ".start-timeout", duration(p.startTimeout())); // nothing is polled: no other timing (notify.md)
            return;
        }
        add(key + ".interval", duration(p.interval()));
        add(key + ".timeout", duration(p.timeout()));
        add(key + ".initial-delay", duration(p.initialDelay()));
        add(key + ".failure-threshold", Integer.toString(p.failureThreshold()));
        add(key + ".success-threshold", Integer.toString(p.successThreshold()));
        if (key.equals("ready")) {
            add(key + ".start-timeout", duration(p.startTimeout()));
        } else {
            add(key + ".start-period", duration(p.startPeriod()));
        }
    }

    private String from(String key) {
        Origin o = spec.keyOrigins().get(key);
        if (o != null) {
            return o.toString();
        }
        if (fromProfile(key)) {
            return "profile " + spec.profile().configName();
        }
        return "default";
    }

    /**
     * Whether the service's profile gave the key its value (docs/configuration.md, "Profiles";
     * {@link Profile}): of {@link #PROFILE_KEYS}, those the profile sets for this command.
     */
    private boolean fromProfile(String key) {
        Profile profile = spec.profile();
        if (profile == Profile.NONE || PROFILE_KEYS.stream().noneMatch(key::startsWith)) {
            return false;
        }
        switch (key) {
            case "reload.timeout":
                return false; // every profile keeps the default
            case "reload.check":
            case "reload.signal":
            case "reload.confirm":
                return !spec.command().isEmpty();
            case "reload.failure-mark":
                return profile.reload(spec.command()).failureMark().isPresent();
            case "pid-file":
                return profile.pidFile(spec.command(), spec.directory()).isPresent();
            default:
                return true;
        }
    }

    private static String list(List<String> items) {
        return items.stream().map(ServiceSettings::quote).toList().toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** {@code 250ms}, {@code 10s}: whole seconds when the duration is one. */
    private static String duration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
