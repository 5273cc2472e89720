package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated, immutable {@code services.NAME} block. Lists and maps are unmodifiable copies.
 *
 * @param command      argv; {@code command[0]} is resolved on PATH at load time to an executable file
 * @param directory    working directory, or empty for svd's own
 * @param environment  overrides on top of svd's own environment
 * @param user         user to run as, or empty for svd's own
 * @param startSeconds how long a process must stay up before the service counts as running
 *                     (and its dependents may start); zero means at once
 * @param ready        readiness probe: dependents start only once it passes
 * @param health       liveness probe: failure-threshold failures in a row restart the service
 */
public record ServiceSpec(
        String name,
        List<String> command,
        Optional<Path> directory,
        Map<String, String> environment,
        Optional<String> user,
        RestartPolicy restart,
        StopSpec stop,
        ReloadSpec reload,
        List<String> dependsOn,
        Duration startSeconds,
        BackoffSpec backoff,
        StartLimitSpec startLimit,
        LogSpec log,
        Optional<ProbeSpec> ready,
        Optional<ProbeSpec> health,
        Origin origin) {

    public ServiceSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        dependsOn = List.copyOf(dependsOn);
    }

    /** A spec with every default, for tests and tools. */
    public static ServiceSpec of(String name, List<String> command) {
        return new ServiceSpec(name, command, Optional.empty(), Map.of(), Optional.empty(),
                RestartPolicy.ALWAYS, StopSpec.DEFAULT, ReloadSpec.DEFAULT, List.of(),
                Duration.ofSeconds(1), BackoffSpec.DEFAULT, StartLimitSpec.DEFAULT, LogSpec.DEFAULT,
                Optional.empty(), Optional.empty(), Origin.UNKNOWN);
    }

    /** Same spec with other settings; each returns a copy. */
    public ServiceSpec withRestart(RestartPolicy r) {
        return new ServiceSpec(name, command, directory, environment, user, r, stop, reload, dependsOn,
                startSeconds, backoff, startLimit, log, ready, health, origin);
    }

    public ServiceSpec withStop(StopSpec s) {
        return new ServiceSpec(name, command, directory, environment, user, restart, s, reload, dependsOn,
                startSeconds, backoff, startLimit, log, ready, health, origin);
    }

    public ServiceSpec withDependsOn(List<String> d) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, d,
                startSeconds, backoff, startLimit, log, ready, health, origin);
    }

    public ServiceSpec withStartSeconds(Duration d) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, dependsOn,
                d, backoff, startLimit, log, ready, health, origin);
    }

    public ServiceSpec withBackoff(BackoffSpec b) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, dependsOn,
                startSeconds, b, startLimit, log, ready, health, origin);
    }

    public ServiceSpec withStartLimit(StartLimitSpec l) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, dependsOn,
                startSeconds, backoff, l, log, ready, health, origin);
    }

    public ServiceSpec withReady(Optional<ProbeSpec> p) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, dependsOn,
                startSeconds, backoff, startLimit, log, p, health, origin);
    }

    public ServiceSpec withHealth(Optional<ProbeSpec> p) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, dependsOn,
                startSeconds, backoff, startLimit, log, ready, p, origin);
    }

    public ServiceSpec withLog(LogSpec l) {
        return new ServiceSpec(name, command, directory, environment, user, restart, stop, reload, dependsOn,
                startSeconds, backoff, startLimit, l, ready, health, origin);
    }
}
