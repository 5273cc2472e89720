package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code jobs.NAME} block: a command run on a crontab schedule, one run at a time.
 *
 * @param schedule    crontab syntax: 5 fields, or {@code @hourly}, {@code @daily}, {@code @weekly}
 * @param randomDelay each run waits a random time in [0, randomDelay) after its scheduled time
 * @param timeout     a run still going after this is killed with its process group
 * @param persistent  a run missed while svd was down happens soon after start (systemd's Persistent=true)
 */
public record JobSpec(String name, String schedule, Duration randomDelay, Duration timeout, List<String> command,
                      Optional<Path> directory, Map<String, String> environment, Optional<String> user,
                      boolean persistent, Origin origin) {
    public JobSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
