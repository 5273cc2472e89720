package dev.svd.daemon;

import dev.svd.certs.CertificateKeeper;
import dev.svd.config.ConfigLoader;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.control.AlreadyRunningException;
import dev.svd.control.AuthorizationPolicy;
import dev.svd.control.ControlLimits;
import dev.svd.control.ControlServer;
import dev.svd.control.RequestCounter;
import dev.svd.control.StatusView;
import dev.svd.engine.Engine;
import dev.svd.engine.OsProcessRunner;
import dev.svd.engine.LoggedOutputs;
import dev.svd.logs.StdoutSink;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.svd.engine.ShutdownControl;
import dev.svd.engine.StopOutcome;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.health.ProbeObserver;
import dev.svd.health.Prober;
import dev.svd.os.CommandRunner;
import dev.svd.os.DescriptorLimit;
import dev.svd.os.Kernel;
import dev.svd.os.ProcFs;
import dev.svd.os.ProcessLedger;
import dev.svd.os.Processes;
import dev.svd.os.ServiceCgroups;
import dev.svd.schedule.JobOutcome;
import dev.svd.schedule.JobScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import dev.svd.os.NotifySocket;
import dev.svd.os.SafePaths;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The wiring of a running svd: plain constructors, started in order, torn down in reverse. Main thread only. */
final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /**
     * Says what svd did to its descriptor limit, and warns when the limit looks too low for the
     * configuration (docs/daemon.md "Descriptor limit"): a shortage is survivable (spawns are
     * retried, the control socket keeps answering) but services wait for descriptors meanwhile.
     */
    private static void checkDescriptorLimit(SupervisorSpec config, DescriptorLimit fds, boolean restored) {
        if (fds.soft() > fds.inherited()) {
            log.info("svd: descriptor limit (RLIMIT_NOFILE) raised from {} to {}, the hard limit; services start with {}",
                    fds.inherited(), fds.soft(), restored ? fds.inherited() + " (as svd was started)"
                            : fds.soft() + " (prlimit from util-linux is not installed to give them " + fds.inherited() + ")");
        }
        int services = config.services().size() + config.jobs().size();
        long needed = DescriptorLimit.estimateNeeded(services, config.control().maxClients());
        if (fds.hard() >= 0 && fds.soft() < needed) {
            log.warn("svd: descriptor limit (RLIMIT_NOFILE) is {} and cannot go higher (hard limit {}), but {} services"
                    + " and jobs may need about {}; services that find no descriptor are retried, not failed. Raise the"
                    + " hard limit where svd is started (ulimit -n, docker run --ulimit nofile=N:N) to at least {}",
                    fds.soft(), fds.hard(), services, needed, needed);
        }
    }

    /** svd cannot run at all (directories, socket); the message says which and why. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    private Daemon() {}

    static int run(SupervisorSpec config, DaemonOptions options) throws StartupException {
        GroupPrincipal readers = readOnlyGroup(config);
        createDirectory(config.daemon().logDir(), "svd.log-dir", SafePaths.PRIVATE_DIRECTORY, readers);
        createDirectory(config.daemon().stateDir(), "svd.state-dir", SafePaths.DIRECTORY, null);
        Path socket = options.socket().orElse(config.daemon().socket());
        // Before anything is touched: a second svd must leave the first one's services alone.
        try {
            SafePaths.checkExisting(socket.toAbsolutePath().getParent(), "the control socket's directory");
            ControlServer.refuseIfRunning(socket);
        } catch (AlreadyRunningException e) {
            throw new StartupException(e.getMessage());
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
        try (StateDirLock lock = StateDirLock.acquire(config.daemon().stateDir(), Kernel.pid())) {
            return supervise(config, options, socket, readers);
        }
    }

    private static int supervise(SupervisorSpec config, DaemonOptions options, Path socket, GroupPrincipal readers)
            throws StartupException {
        Path file = config.file();
        DescriptorLimit fds = DescriptorLimit.raise(); // before the first spawn: services get `inherited` back
        Closer built = new Closer(); // what to shut down if starting fails below
        AtomicReference<Engine> exits = new AtomicReference<>(); // set below, before the first spawn
        Optional<ServiceCgroups> cgroups = ServiceCgroups.detect(config.daemon().stateDir());
        Processes processes = built.register(new Processes((pid, status) -> exits.get().processExited(pid, status),
                cgroups));
        checkDescriptorLimit(config, fds, processes.restoresDescriptorLimit());
        ProcessLedger ledger = new ProcessLedger(config.daemon().stateDir());
        try {
            ledger.refuseLinks();
        } catch (SafePaths.UnsafePathException e) {
            throw built.closeAfter(new StartupException(e.getMessage()));
        }
        Path fifoDir = config.daemon().stateDir().resolve("output");
        List<ProcessLedger.Leftover> leftovers = ledger.leftovers();
        List<ProcessLedger.Leftover> adopted = LeftoverTriage.adoptable(leftovers, config, fifoDir);
        adopted.forEach(l -> ledger.added(l.service(), l.pgid(), l.launchDigest().orElseThrow()));
        ledger.stop(LeftoverTriage.toStop(leftovers, adopted), leftoverGrace(config));
        cgroups.ifPresent(c -> c.clearLeftovers(adopted.stream().map(ProcessLedger.Leftover::service)
                .collect(java.util.stream.Collectors.toSet())));
        ExecutorService remover = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "svd-log-remover");
            t.setDaemon(true);
            return t;
        });
        built.register(remover::shutdownNow);
        LoggedOutputs outputs = new LoggedOutputs(config.daemon().logDir(), new StdoutSink(), remover, readers);
        built.register(outputs::closeAll);
        CommandRunner commands = built.register(new CommandRunner(processes));
        CommandRunner recordedCommands = built.register(new CommandRunner(processes, ledger)); // jobs and certbot: a killed svd's are stopped
        // svd.http's counters (probe durations and failures, control requests); without it, no metrics class loads.
        dev.svd.metrics.Observations observed = config.daemon().http().isPresent()
                ? dev.svd.metrics.MetricsServer.observations() : null;
        Prober prober = built.register(new Prober(commands, observed != null ? observed : ProbeObserver.NONE));
        NotifySocket notify;
        try {
            notify = built.register(NotifySocket.bind(config.daemon().stateDir().resolve("notify")));
        } catch (IOException e) {
            throw built.closeAfter(new StartupException("cannot open the notify socket in svd.state-dir: " + e.getMessage()));
        }
        Engine engine = new Engine(config, () -> ConfigLoader.load(file), new OsProcessRunner(processes, ledger, commands,
                fifoDir, Optional.of(notify.address())),
                outputs, new Lifecycle(() -> ThreadLocalRandom.current().nextDouble()), Clock.systemUTC(), prober);
        exits.set(engine);
        engine.listenForNotifications(notify);
        built.register(engine);
        CertificateKeeper certs = new CertificateKeeper(config.certificates(), engine, recordedCommands,
                config.daemon().stateDir(), Clock.systemUTC());
        built.register(certs);
        certs.prepare(); // placeholders before any service starts, so nginx -t passes (issue 6)
        JobScheduler jobs = built.register(new JobScheduler(config.daemon().logDir(), config.daemon().stateDir(), readers));
        config.jobs().values().forEach(job -> jobs.schedule(job, recordedCommands));
        certs.specs().forEach(c -> jobs.schedule(c.jobName(), c.schedule(), c.randomDelay(),
                CertificateKeeper.RUN_TIMEOUT, true, run -> certs.renew(c.name(), false).thenApply(r -> r.ok()
                        ? JobOutcome.success(r.outcome().wireName() + ": " + r.message()) : JobOutcome.failure(r.message()))));
        // Stopping svd stops both: the scheduler fires no more and gives a running job the stop budget to end.
        ShutdownControl shutdown = () -> {
            jobs.stop(config.daemon().stopBudget());
            engine.shutdown();
        };
        ControlServer control = new ControlServer(socket, engine, engine, engine, shutdown, jobs, certs,
                AuthorizationPolicy.forDaemonUser(config.control().readOnlyGroup().orElse(null)),
                ControlLimits.DEFAULT.withClients(config.control().maxClients(), config.control().maxClientsPerUser(),
                        config.control().reservedForRoot(), config.control().requestTimeout(),
                        config.control().writeTimeout()),
                observed != null ? observed : RequestCounter.NONE);
        built.register(control);
        try {
            control.start();
        } catch (AlreadyRunningException e) {
            throw built.closeAfter(new StartupException(e.getMessage()));
        } catch (IOException e) {
            throw built.closeAfter(new StartupException("cannot listen on " + socket + ": " + e.getMessage()));
        }
        AutoCloseable http = null;
        if (config.daemon().http().isPresent()) {
            try {
                // Only here: with svd.http absent no class of the listener or the Prometheus client loads.
                http = built.register(dev.svd.metrics.MetricsServer.start(config.daemon().http().get(), engine, jobs,
                        certs, observed, () -> StatusView.json(engine, Clock.systemUTC())));
            } catch (IOException e) {
                throw built.closeAfter(new StartupException("cannot listen on svd.http.listen "
                        + config.daemon().http().get().host() + ":" + config.daemon().http().get().port() + ": "
                        + e.getMessage()));
            }
        }
        SignalBridge.install(engine, shutdown, engine::reopenLogs);
        log.info("svd {} (pid {}) supervising {} services from {}, control socket {}", Svd.VERSION, Kernel.pid(),
                config.services().size(), file, socket);
        String encoding = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (!encoding.replace("-", "").equalsIgnoreCase("UTF8")) {
            log.warn("svd: the locale makes {} svd's character set for file names and environment values: any other"
                    + " character in them is lost on the way to services; start svd with LC_CTYPE=C.UTF-8 (bin/svd does"
                    + " when no locale is set)", encoding);
        }
        adopted.forEach(l -> engine.adopt(l.service(), l.pgid(), l.startTime(), ProcFs.startInstant(l.startTime())));
        engine.start();
        certs.start();
        jobs.start();
        boolean smokeFailed = options.smokeTest() && !SmokeTest.awaitAllUp(engine, SmokeTest.BOUND);
        StopOutcome outcome = engine.stopped().join();
        closeQuietly(http);
        control.close();
        jobs.stop(config.daemon().stopBudget());
        jobs.close();
        certs.close();
        boolean stragglers = processes.killStrayChildren() > 0;
        notify.close();
        engine.close();
        prober.close();
        commands.close();
        recordedCommands.close();
        processes.close();
        cgroups.ifPresent(ServiceCgroups::close);
        outputs.closeAll();
        remover.shutdown();
        if (smokeFailed) {
            log.info("svd --smoke-test: not every service came up");
            return Svd.EXIT_UNCLEAN_STOP;
        }
        if (outcome == StopOutcome.ESSENTIAL_FAILED) {
            log.info("svd stopped because an essential service failed");
            return Svd.EXIT_ESSENTIAL_FAILED;
        }
        boolean clean = outcome == StopOutcome.CLEAN && !stragglers;
        log.info("svd stopped{}", clean ? "" : " (some processes needed SIGKILL)");
        return clean ? Svd.EXIT_OK : Svd.EXIT_UNCLEAN_STOP;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("svd: closing {} failed: {}", c, e.toString());
        }
    }

    /** How long leftovers of an earlier svd get to stop on SIGTERM: the longest stop timeout, at most 30 s. */
    private static Duration leftoverGrace(SupervisorSpec config) {
        Duration longest = Duration.ofSeconds(1);
        for (ServiceSpec s : config.services().values()) {
            if (s.stop().timeout().compareTo(longest) > 0) {
                longest = s.stop().timeout();
            }
        }
        return longest.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : longest;
    }

    /** Creates {@code dir} if missing, and refuses one that another user could change (issue 12, docs/daemon.md). */
    private static void createDirectory(Path dir, String key, Set<PosixFilePermission> mode, GroupPrincipal group)
            throws StartupException {
        try {
            SafePaths.ensureDirectory(dir, key, mode, group);
        } catch (SafePaths.UnsafePathException e) {
            throw new StartupException(e.getMessage());
        } catch (IOException e) {
            throw new StartupException("cannot create " + key + " " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw new StartupException(key + " " + dir + " is not writable by svd");
        }
    }

    /** The control's read-only group, which may also read the services' log files; null when not configured. */
    private static GroupPrincipal readOnlyGroup(SupervisorSpec config) throws StartupException {
        if (config.control().readOnlyGroup().isEmpty()) {
            return null;
        }
        try {
            return SafePaths.group(config.control().readOnlyGroup().get(), "control.read-only-group");
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /**
     * What {@code svd --check} says about the directories svd would write into: one line per problem,
     * empty when they are safe (or do not exist yet and would be made safely).
     */
    static List<String> directoryProblems(SupervisorSpec config, Path socket) {
        List<String> problems = new java.util.ArrayList<>();
        Map<String, Path> dirs = new java.util.LinkedHashMap<>();
        dirs.put("svd.log-dir", config.daemon().logDir());
        dirs.put("svd.state-dir", config.daemon().stateDir());
        dirs.put("the control socket's directory", socket.toAbsolutePath().getParent());
        dirs.forEach((key, dir) -> {
            try {
                SafePaths.checkExisting(dir, key);
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        });
        return problems;
    }
}
