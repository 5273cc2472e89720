package dev.svd.engine;

import dev.svd.config.EnvironmentFiles;
import dev.svd.config.LeftoverPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.SocketAnnounce;
import dev.svd.config.SocketSpec;
import dev.svd.os.HeldSockets;
import dev.svd.os.CommandRunner;
import dev.svd.os.OutputListener;
import dev.svd.os.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.svd.os.ProcessLedger;
import dev.svd.os.Processes;
import dev.svd.os.SpawnException;
import dev.svd.os.SpawnRequest;

/**
 * The real {@link ProcessRunner}: service specs become spawn requests for {@link Processes}, and
 * every live process group is recorded in the {@link ProcessLedger} for a restarted svd to find.
 */
public final class OsProcessRunner implements ProcessRunner {
    private static final Logger log = LoggerFactory.getLogger(OsProcessRunner.class);
    /** Output of a check kept for the operator: enough for nginx -t's few lines. */
    private static final int CHECK_OUTPUT = 16 * 1024;

    private final Processes processes;
    private final ProcessLedger ledger;
    private final CommandRunner commands;
    private final Path fifoDir;
    private final java.util.Optional<String> notifySocket;
    private final HeldSockets sockets = new HeldSockets();

    /** @param fifoDir where the named pipes of services with {@code on-leftover = adopt} live */
    public OsProcessRunner(Processes processes, ProcessLedger ledger, Path fifoDir) {
        this(processes, ledger, new CommandRunner(processes), fifoDir);
    }

    public OsProcessRunner(Processes processes, ProcessLedger ledger, CommandRunner commands, Path fifoDir) {
        this(processes, ledger, commands, fifoDir, java.util.Optional.empty());
    }

    /** @param notifySocket the {@code NOTIFY_SOCKET} of services that use notify (docs/notify.md) */
    public OsProcessRunner(Processes processes, ProcessLedger ledger, CommandRunner commands, Path fifoDir,
                           java.util.Optional<String> notifySocket) {
        this.notifySocket = notifySocket;
        this.processes = processes;
        this.ledger = ledger;
        this.commands = commands;
        this.fifoDir = fifoDir;
    }

    @Override
    public CompletableFuture<CommandRunner.Result> check(ServiceSpec spec, List<String> command, Duration timeout) {
        Map<String, String> environment;
        try {
            environment = environment(spec);
        } catch (SpawnException e) {
            return CompletableFuture.completedFuture(new CommandRunner.Result(null, "", false, e.getMessage(), Duration.ZERO));
        }
        return commands.run(new SpawnRequest(spec.name() + " (check)", command, spec.directory(), environment,
                spec.user()), timeout, CHECK_OUTPUT, null);
    }

    @Override
    public List<Integer> children(int pid) {
        return ProcFs.childrenOf(pid);
    }

    @Override
    public Set<Integer> holdingListeners(int pid, Collection<Integer> workers) {
        return ProcFs.holdingListeningSockets(pid, workers);
    }

    @Override
    public int spawn(ServiceSpec spec, OutputListener output) throws SpawnException {
        spec.pidFile().ifPresent(OsProcessRunner::removeStalePidFile);
        SpawnRequest request = new SpawnRequest(spec.name(), spec.command(), spec.directory(), withNotify(spec,
                withSockets(spec, environment(spec))), spec.user(), passed(spec));
        boolean adoptable = spec.onLeftover() == LeftoverPolicy.ADOPT;
        ledger.reserve(spec.name(), adoptable); // no start that the ledger could not record (issue 12)
        try {
            if (adoptable) {
                int pid = processes.spawnAdoptable(request, output, fifoDir);
                ledger.added(spec.name(), pid, spec.launchDigest());
                return pid;
            }
            int pid = processes.spawn(request, output);
            ledger.added(spec.name(), pid);
            return pid;
        } catch (SpawnException | RuntimeException e) {
            ledger.release(spec.name(), adoptable);
            throw e;
        }
    }

    /**
     * The service's environment with its {@code environment-file}s read now, so that an edit takes effect
     * at the next start. A file that is missing, unreadable or invalid fails the start for good (FINAL):
     * trying again will not help until someone fixes the file (docs/configuration.md).
     */
    private static Map<String, String> environment(ServiceSpec spec) throws SpawnException {
        try {
            return EnvironmentFiles.environment(spec);
        } catch (EnvironmentFiles.EnvironmentFileException e) {
            throw new SpawnException("environment-file " + e.getMessage(), SpawnException.Kind.FINAL);
        }
    }

    /**
     * A service that uses notify gets {@code NOTIFY_SOCKET}, and with a watchdog {@code WATCHDOG_USEC}
     * (sd_notify(3), sd_watchdog_enabled(3)); the others get neither, like systemd's Type=simple services.
     * {@code WATCHDOG_PID}, the process's own pid, is set by the spawn ({@code os.ChildCommand}, as
     * {@code LISTEN_PID}), since posix_spawn does not know it in advance (docs/notify.md).
     */
    private Map<String, String> withNotify(ServiceSpec spec, Map<String, String> environment) {
        if (notifySocket.isEmpty() || !spec.usesNotify()) {
            return environment;
        }
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("NOTIFY_SOCKET", notifySocket.get());
        spec.watchdog().ifPresent(w -> env.put("WATCHDOG_USEC", Long.toString(w.toNanos() / 1000)));
        return env;
    }

    /** svd's descriptors of the service's sockets with their LISTEN_FDNAMES names, in declared order. */
    private List<SpawnRequest.PassedSocket> passed(ServiceSpec spec) throws SpawnException {
        List<Integer> fds = sockets.descriptors(spec.name(), spec.sockets());
        List<SpawnRequest.PassedSocket> passed = new java.util.ArrayList<>();
        for (int i = 0; i < fds.size(); i++) {
            passed.add(new SpawnRequest.PassedSocket(fds.get(i), spec.sockets().get(i).name()));
        }
        return passed;
    }

    /**
     * {@code sockets-env = nginx}: {@code NGINX="3;4;"}, the list of inherited listening sockets nginx
     * reads at start (ngx_add_inherited_sockets in nginx's src/core/nginx.c: each number ends with ";").
     */
    private static Map<String, String> withSockets(ServiceSpec spec, Map<String, String> environment) {
        if (spec.sockets().isEmpty() || spec.socketsEnv() != SocketAnnounce.NGINX) {
            return environment;
        }
        StringBuilder nginx = new StringBuilder();
        for (int i = 0; i < spec.sockets().size(); i++) {
            nginx.append(3 + i).append(';');
        }
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("NGINX", nginx.toString());
        return env;
    }

    @Override
    public void holdSockets(ServiceSpec spec) throws SpawnException {
        sockets.hold(spec.name(), spec.sockets());
    }

    @Override
    public void retainSockets(String service, List<SocketSpec> declared) {
        sockets.retain(service, declared);
    }

    @Override
    public Map<String, List<HeldSockets.Held>> heldSockets() {
        return sockets.view();
    }

    @Override
    public void closeSockets() {
        sockets.close();
    }

    /** The ledger already holds {@code pid}: svd's start kept it there while it stopped the other leftovers. */
    @Override
    public void adopt(ServiceSpec spec, int pid, long startTime, OutputListener output) throws SpawnException {
        processes.adopt(spec.name(), pid, startTime, fifoDir, output);
    }

    /** Nothing of this service runs while svd starts it, so any pid file is stale. */
    private static void removeStalePidFile(Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                log.info("removed stale pid file {}", file);
            }
        } catch (IOException e) {
            log.warn("cannot remove stale pid file {}: {}", file, e.toString());
        }
    }

    @Override
    public void settle() {
        ledger.flush();
    }

    @Override
    public void settle(boolean moreWork) {
        if (moreWork) {
            ledger.flushAdditions();
        } else {
            ledger.flush();
        }
    }

    @Override
    public void exited(int pid) {
        ledger.removed(pid);
    }

    @Override
    public void signalGroup(int pid, Signal signal) {
        processes.signalGroup(pid, signal);
    }

    @Override
    public void signalProcess(int pid, Signal signal) {
        processes.signalProcess(pid, signal);
    }
}
