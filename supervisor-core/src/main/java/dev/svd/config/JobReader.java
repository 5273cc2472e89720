package dev.svd.config;

import dev.svd.cron.Crontab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one {@code jobs.NAME} block into a {@link JobSpec}: the schedule (crontab syntax, checked
 * with {@link Crontab}, a pure parser), the delays and the command, with the same machine checks as
 * a service's command. Used by one thread.
 */
final class JobReader {
    static final List<String> KEYS = List.of("schedule", "random-delay", "timeout", "command", "directory",
            "environment", "user", "persistent");
    /** Defaults for absent keys (docs/jobs.md). */
    static final Duration RANDOM_DELAY = Duration.ZERO;
    static final Duration TIMEOUT = Duration.ofHours(1);

    private static final String COMMAND_EXAMPLE = "[\"certbot\", \"renew\"]";
    private static final String SCHEDULE_EXAMPLE = "\"0 3,15 * * *\" or @daily";

    private final ServiceReader services;
    private final HostChecks host;

    JobReader(ServiceReader services, HostChecks host) {
        this.services = services;
        this.host = host;
    }

    JobSpec read(String name, ConfigReader r) {
        r.rejectUnknownKeys(KEYS);
        String schedule = schedule(r);
        Optional<Path> directory = r.path("directory", "\"/srv/app\"");
        directory.flatMap(host::directoryProblem).ifPresent(m -> r.problem("directory", m));
        List<String> command = services.command(r, directory, "job", COMMAND_EXAMPLE);
        Map<String, String> environment = r.stringMap("environment", "\"value\"");
        environment.keySet().stream().filter(k -> k.isEmpty() || k.contains("="))
                .forEach(k -> r.problem("environment", "a variable name must not be empty or contain \"=\" (was \"" + k + "\")"));
        Optional<String> user = r.string("user", "\"www-data\"");
        user.flatMap(host::userProblem).ifPresent(m -> r.problem("user", m));
        return new JobSpec(name, schedule, r.duration("random-delay", RANDOM_DELAY), r.positiveDuration("timeout", TIMEOUT),
                command, directory, environment, user, r.bool("persistent", false), r.origin());
    }

    private static String schedule(ConfigReader r) {
        Optional<String> text = r.string("schedule", SCHEDULE_EXAMPLE);
        if (text.isEmpty()) {
            if (!r.has("schedule")) {
                r.problem("schedule", "missing: every job needs a schedule such as " + SCHEDULE_EXAMPLE);
            }
            return "";
        }
        try {
            return Crontab.parse(text.get()).text();
        } catch (IllegalArgumentException e) {
            r.problem("schedule", "expected a crontab schedule such as " + SCHEDULE_EXAMPLE + " (was \"" + text.get()
                    + "\"): " + e.getMessage());
            return text.get();
        }
    }
}
