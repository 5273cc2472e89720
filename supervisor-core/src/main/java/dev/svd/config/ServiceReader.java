package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one {@code services.NAME} block into a {@link ServiceSpec}: its own keys and the machine
 * checks, not the references between services (see {@link DependencyGraph}). Used by one thread.
 */
final class ServiceReader {
    static final List<String> KEYS = List.of("command", "directory", "environment", "environment-file", "user", "restart", "stop",
            "reload", "depends-on", "start-seconds", "backoff", "start-limit", "log", "ready", "health", "profile",
            "reopen-signal", "pid-file", "essential", "on-leftover", "sockets", "sockets-env", "watchdog");
    static final List<String> STOP_KEYS = List.of("signal", "timeout");
    static final List<String> RELOAD_KEYS = List.of("check", "signal", "confirm", "timeout", "failure-mark");
    static final List<String> BACKOFF_KEYS = List.of("initial", "max", "stable-after");
    static final List<String> START_LIMIT_KEYS = List.of("burst", "interval");
    static final List<String> LOG_KEYS = List.of("max-size", "keep", "tail-lines", "console", "timestamps",
            "console-timestamps");

    /** The default for {@code start-seconds}, as in {@link ServiceSpec#of}. */
    static final Duration START_SECONDS = Duration.ofSeconds(1);

    private static final String COMMAND_EXAMPLE = "[\"nginx\", \"-g\", \"daemon off;\"]";
    private static final Map<String, RestartPolicy> RESTART = new LinkedHashMap<>();
    private static final Map<String, Profile> PROFILES = new LinkedHashMap<>();
    private static final Map<String, ReloadSpec.Confirm> CONFIRMS = new LinkedHashMap<>();
    private static final Map<String, LeftoverPolicy> LEFTOVER = new LinkedHashMap<>();

    static {
        for (RestartPolicy p : RestartPolicy.values()) {
            RESTART.put(p.configName(), p);
        }
        for (Profile p : Profile.values()) {
            PROFILES.put(p.configName(), p);
        }
        for (ReloadSpec.Confirm c : ReloadSpec.Confirm.values()) {
            CONFIRMS.put(c.configName(), c);
        }
        for (LeftoverPolicy p : LeftoverPolicy.values()) {
            LEFTOVER.put(p.configName(), p);
        }
    }

    private final HostChecks host;
    private final ProbeReader probes;
    private final SocketReader sockets;

    ServiceReader(HostChecks host) {
        this.host = host;
        this.probes = new ProbeReader(host);
        this.sockets = new SocketReader(host);
    }

    ServiceSpec read(String name, ConfigReader r) {
        r.rejectUnknownKeys(KEYS);
        Optional<Path> directory = r.path("directory", "\"/srv/app\"");
        directory.flatMap(host::directoryProblem).ifPresent(m -> r.problem("directory", m));
        List<String> command = command(r, directory);
        Map<String, String> environment = r.stringMap("environment", "\"baseball.settings\"");
        environment.keySet().stream().filter(k -> k.isEmpty() || k.contains("="))
                .forEach(k -> r.problem("environment", "a variable name must not be empty or contain \"=\" (was \"" + k + "\")"));
        List<EnvironmentFile> environmentFile = environmentFiles(r);
        Optional<String> user = r.string("user", "\"www-data\"");
        user.flatMap(host::userProblem).ifPresent(m -> r.problem("user", m));
        Profile profile = r.choice("profile", PROFILES, Profile.NONE);
        return new ServiceSpec(name, command, directory, environment, environmentFile, user,
                r.choice("restart", RESTART, RestartPolicy.ALWAYS),
                stop(r, profile.stop()), reload(r, profile.reload(command)),
                r.stringList("depends-on", "[gunicorn]").orElse(List.of()),
                r.duration("start-seconds", START_SECONDS),
                backoff(r), startLimit(r), log(r), probes.read(r, "ready", directory), probes.read(r, "health", directory),
                profile,
                r.has("reopen-signal") ? Optional.of(r.signal("reopen-signal", Signal.USR1)) : profile.reopenSignal(),
                r.path("pid-file", "\"/run/gunicorn.pid\"").or(() -> profile.pidFile(command, directory)),
                r.bool("essential", false),
                r.choice("on-leftover", LEFTOVER, LeftoverPolicy.STOP),
                sockets.read(r, name), sockets.announce(r, profile.socketsEnv()),
                r.has("watchdog") ? Optional.of(r.positiveDuration("watchdog", Duration.ofSeconds(10))) : Optional.empty(),
                r.origin(), r.keyOrigins());
    }

    /**
     * {@code environment-file}: absolute paths, "-" before one that may be missing (systemd.exec(5)
     * EnvironmentFile=). The files are read here too, so that {@code --check} names a bad line; they
     * are read again before every spawn (docs/configuration.md).
     */
    private static List<EnvironmentFile> environmentFiles(ConfigReader r) {
        List<String> entries = r.stringList("environment-file", "[\"/etc/default/app\", \"-/etc/app.env\"]").orElse(List.of());
        List<EnvironmentFile> files = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            boolean optional = entry.startsWith("-");
            String path = optional ? entry.substring(1) : entry;
            if (path.isEmpty() || !path.startsWith("/") || path.contains("\0")) {
                r.elementProblem("environment-file", i, "expected an absolute path such as \"/etc/default/app\", or"
                        + " \"-/etc/app.env\" for a file that may be missing (was \"" + entry + "\")");
                continue;
            }
            if (FileNames.path(path).isEmpty()) {
                r.elementProblem("environment-file", i, FileNames.unusable(path));
                continue;
            }
            EnvironmentFile file = new EnvironmentFile(Path.of(path), optional);
            List<EnvironmentFiles.Problem> problems = new ArrayList<>();
            EnvironmentFiles.read(file, new java.util.HashMap<>(), problems);
            int index = i;
            problems.forEach(p -> r.elementProblem("environment-file", index, p.toString()));
            files.add(file);
        }
        return files;
    }

    private List<String> command(ConfigReader r, Optional<Path> directory) {
        return command(r, directory, "service", COMMAND_EXAMPLE);
    }

    /** {@code command}: required, not empty, {@code command[0]} executable; {@code what} and the example name the block. */
    List<String> command(ConfigReader r, Optional<Path> directory, String what, String example) {
        Optional<List<String>> command = r.stringList("command", example);
        if (command.isEmpty()) {
            if (!r.has("command")) {
                r.problem("command", "missing: every " + what + " needs a command such as " + example);
            }
            return List.of();
        }
        if (command.get().isEmpty()) {
            r.problem("command", "must not be empty: give the program and its arguments, such as " + example);
            return List.of();
        }
        host.executableProblem(command.get().get(0), directory).ifPresent(m -> r.problem("command", m));
        return command.get();
    }

    private static StopSpec stop(ConfigReader service, StopSpec d) {
        return service.object("stop").map(r -> {
            r.rejectUnknownKeys(STOP_KEYS);
            return new StopSpec(r.signal("signal", d.signal()), r.positiveDuration("timeout", d.timeout()));
        }).orElse(d);
    }

    private ReloadSpec reload(ConfigReader service, ReloadSpec d) {
        return service.object("reload").map(r -> {
            r.rejectUnknownKeys(RELOAD_KEYS);
            List<String> check = r.stringList("check", "[\"nginx\", \"-t\"]").orElse(d.check());
            if (r.has("check") && !check.isEmpty()) {
                host.executableProblem(check.get(0), Optional.empty()).ifPresent(m -> r.problem("check", m));
            }
            return new ReloadSpec(check, r.signal("signal", d.signal()), r.choice("confirm", CONFIRMS, d.confirm()),
                    r.positiveDuration("timeout", d.timeout()),
                    r.has("failure-mark") ? r.string("failure-mark", "\"[emerg]\"") : d.failureMark());
        }).orElse(d);
    }

    private static BackoffSpec backoff(ConfigReader service) {
        BackoffSpec d = BackoffSpec.DEFAULT;
        return service.object("backoff").map(r -> {
            r.rejectUnknownKeys(BACKOFF_KEYS);
            Duration initial = r.positiveDuration("initial", d.initial());
            Duration max = r.positiveDuration("max", d.max());
            if (max.compareTo(initial) < 0) {
                r.problem("max", "must not be shorter than initial (" + initial.toMillis() + "ms)");
            }
            return new BackoffSpec(initial, max, r.duration("stable-after", d.stableAfter()));
        }).orElse(d);
    }

    private static StartLimitSpec startLimit(ConfigReader service) {
        StartLimitSpec d = StartLimitSpec.DEFAULT;
        return service.object("start-limit").map(r -> {
            r.rejectUnknownKeys(START_LIMIT_KEYS);
            return new StartLimitSpec(r.integer("burst", d.burst(), 1), r.positiveDuration("interval", d.interval()));
        }).orElse(d);
    }

    private static LogSpec log(ConfigReader service) {
        LogSpec d = LogSpec.DEFAULT;
        return service.object("log").map(r -> {
            r.rejectUnknownKeys(LOG_KEYS);
            return new LogSpec(r.size("max-size", d.maxSize()), r.integer("keep", d.keep(), 0),
                    r.integer("tail-lines", d.tailLines(), 0), r.bool("console", d.console()),
                    r.bool("timestamps", d.timestamps()), r.bool("console-timestamps", d.consoleTimestamps()));
        }).orElse(d);
    }
}
