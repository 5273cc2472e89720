package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One validated, immutable {@code services.NAME} block. Lists and maps are unmodifiable copies.
 *
 * @param command      argv; {@code command[0]} is resolved on PATH at load time to an executable file
 * @param directory    working directory, or empty for svd's own
 * @param environment  overrides on top of svd's own environment
 * @param environmentFile files read before each spawn ({@link EnvironmentFiles}); their variables override
 *                     {@code environment}, later files override earlier ones
 * @param user         user to run as, or empty for svd's own
 * @param startSeconds how long a process must stay up before the service counts as running
 *                     (and its dependents may start); zero means at once
 * @param ready        readiness probe: dependents start only once it passes
 * @param health       liveness probe: failure-threshold failures in a row restart the service
 * @param profile      the program svd knows this to be ({@link Profile}); its defaults are already applied
 * @param reopenSignal sent to the main process when svd reopens its logs (SIGUSR1 to svd)
 * @param pidFile      removed before each start (a stale one stops gunicorn from starting)
 * @param essential    when this service ends {@code failed}, svd stops everything and exits non-zero
 * @param onLeftover   what a restarted svd does with this service's processes that a killed svd left
 * @param sockets      listening sockets svd holds and passes at fd 3, 4, ... (docs/sockets.md)
 * @param socketsEnv   how the sockets are announced to the process ({@link SocketAnnounce})
 * @param watchdog     the service must send {@code WATCHDOG=1} at least this often, or it is restarted
 *                     like a failed liveness probe (sd_watchdog_enabled(3), docs/notify.md); empty: none
 * @param keyOrigins   where each key set in the block is (nested keys dotted, {@code stop.signal}); keys
 *                     absent here come from the profile or the default. Only for {@code svctl show}
 */
public record ServiceSpec(
        String name,
        List<String> command,
        Optional<Path> directory,
        Map<String, String> environment,
        List<EnvironmentFile> environmentFile,
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
        Profile profile,
        Optional<Signal> reopenSignal,
        Optional<Path> pidFile,
        boolean essential,
        LeftoverPolicy onLeftover,
        List<SocketSpec> sockets,
        SocketAnnounce socketsEnv,
        Optional<Duration> watchdog,
        Origin origin,
        Map<String, Origin> keyOrigins) {

    public ServiceSpec {
        keyOrigins = Map.copyOf(keyOrigins);
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        environmentFile = List.copyOf(environmentFile);
        dependsOn = List.copyOf(dependsOn);
        sockets = List.copyOf(sockets);
    }

    /** A spec without the origins of its keys, for tests and tools. */
    public ServiceSpec(String name, List<String> command, Optional<Path> directory, Map<String, String> environment,
                       List<EnvironmentFile> environmentFile, Optional<String> user, RestartPolicy restart, StopSpec stop,
                       ReloadSpec reload, List<String> dependsOn, Duration startSeconds, BackoffSpec backoff,
                       StartLimitSpec startLimit, LogSpec log, Optional<ProbeSpec> ready, Optional<ProbeSpec> health,
                       Profile profile, Optional<Signal> reopenSignal, Optional<Path> pidFile, boolean essential,
                       LeftoverPolicy onLeftover, Origin origin) {
        this(name, command, directory, environment, environmentFile, user, restart, stop, reload, dependsOn,
                startSeconds, backoff, startLimit, log, ready, health, profile, reopenSignal, pidFile, essential,
                onLeftover, List.of(), SocketAnnounce.SYSTEMD, Optional.empty(), origin, Map.of());
    }

    /** A spec with every default, for tests and tools. */
    public static ServiceSpec of(String name, List<String> command) {
        return new ServiceSpec(name, command, Optional.empty(), Map.of(), List.of(), Optional.empty(),
                RestartPolicy.ALWAYS, StopSpec.DEFAULT, ReloadSpec.DEFAULT, List.of(),
                Duration.ofSeconds(1), BackoffSpec.DEFAULT, StartLimitSpec.DEFAULT, LogSpec.DEFAULT,
                Optional.empty(), Optional.empty(), Profile.NONE, Optional.empty(), Optional.empty(), false,
                LeftoverPolicy.STOP, List.of(), SocketAnnounce.SYSTEMD, Optional.empty(), Origin.UNKNOWN, Map.of());
    }

    /** A copy with the changes {@code edit} makes to a builder. */
    public ServiceSpec with(Consumer<Builder> edit) {
        Builder b = new Builder(this);
        edit.accept(b);
        return b.build();
    }

    /**
     * What the process runs, as a short digest of command, directory, environment and user: a
     * restarted svd adopts a leftover process only if this is unchanged.
     */
    public String launchDigest() {
        String launch = String.join("\0", command) + "\n" + directory.map(Path::toString).orElse("") + "\n"
                + new java.util.TreeMap<>(environment) + "\n" + user.orElse("")
                + (environmentFile.isEmpty() ? "" : "\n" + environmentFile);
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(launch.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public ServiceSpec withRestart(RestartPolicy r) {
        return with(b -> b.restart = r);
    }

    public ServiceSpec withStop(StopSpec s) {
        return with(b -> b.stop = s);
    }

    public ServiceSpec withDependsOn(List<String> d) {
        return with(b -> b.dependsOn = d);
    }

    public ServiceSpec withStartSeconds(Duration d) {
        return with(b -> b.startSeconds = d);
    }

    public ServiceSpec withBackoff(BackoffSpec s) {
        return with(b -> b.backoff = s);
    }

    public ServiceSpec withStartLimit(StartLimitSpec l) {
        return with(b -> b.startLimit = l);
    }

    public ServiceSpec withLog(LogSpec l) {
        return with(b -> b.log = l);
    }

    public ServiceSpec withWatchdog(Optional<Duration> w) {
        return with(b -> b.watchdog = w);
    }

    /** {@code ready { notify = true }}: readiness is the service's {@code READY=1}. */
    public boolean readyByNotify() {
        return ready.isPresent() && ready.get().check() instanceof ProbeCheck.Notify;
    }

    /**
     * Whether the service speaks the notify protocol: only then does it get {@code NOTIFY_SOCKET}
     * and may its processes notify svd (like systemd's Type=notify or WatchdogSec=; docs/notify.md).
     */
    public boolean usesNotify() {
        return readyByNotify() || watchdog.isPresent() || reload.confirm() == ReloadSpec.Confirm.NOTIFY;
    }

    public ServiceSpec withReady(Optional<ProbeSpec> p) {
        return with(b -> b.ready = p);
    }

    public ServiceSpec withHealth(Optional<ProbeSpec> p) {
        return with(b -> b.health = p);
    }

    /** Mutable copy of a spec's fields, for {@link #with}. */
    public static final class Builder {
        public String name;
        public List<String> command;
        public Optional<Path> directory;
        public Map<String, String> environment;
        public List<EnvironmentFile> environmentFile;
        public Optional<String> user;
        public RestartPolicy restart;
        public StopSpec stop;
        public ReloadSpec reload;
        public List<String> dependsOn;
        public Duration startSeconds;
        public BackoffSpec backoff;
        public StartLimitSpec startLimit;
        public LogSpec log;
        public Optional<ProbeSpec> ready;
        public Optional<ProbeSpec> health;
        public Profile profile;
        public Optional<Signal> reopenSignal;
        public Optional<Path> pidFile;
        public boolean essential;
        public LeftoverPolicy onLeftover;
        public List<SocketSpec> sockets;
        public SocketAnnounce socketsEnv;
        public Optional<Duration> watchdog;
        public Origin origin;
        public Map<String, Origin> keyOrigins;

        Builder(ServiceSpec s) {
            name = s.name;
            command = s.command;
            directory = s.directory;
            environment = s.environment;
            environmentFile = s.environmentFile;
            user = s.user;
            restart = s.restart;
            stop = s.stop;
            reload = s.reload;
            dependsOn = s.dependsOn;
            startSeconds = s.startSeconds;
            backoff = s.backoff;
            startLimit = s.startLimit;
            log = s.log;
            ready = s.ready;
            health = s.health;
            profile = s.profile;
            reopenSignal = s.reopenSignal;
            pidFile = s.pidFile;
            essential = s.essential;
            onLeftover = s.onLeftover;
            sockets = s.sockets;
            socketsEnv = s.socketsEnv;
            watchdog = s.watchdog;
            origin = s.origin;
            keyOrigins = s.keyOrigins;
        }

        ServiceSpec build() {
            return new ServiceSpec(name, command, directory, environment, environmentFile, user, restart, stop, reload, dependsOn,
                    startSeconds, backoff, startLimit, log, ready, health, profile, reopenSignal, pidFile, essential,
                    onLeftover, sockets, socketsEnv, watchdog, origin, keyOrigins);
        }
    }
}
