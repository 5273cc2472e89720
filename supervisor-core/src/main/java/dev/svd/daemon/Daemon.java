package dev.svd.daemon;

import dev.svd.certs.CertificateKeeper;
import dev.svd.config.ConfigLoader;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.control.AlreadyRunningException;
import dev.svd.control.AuthorizationPolicy;
import dev.svd.control.ControlLimits;
import dev.svd.control.ControlServer;
import dev.svd.engine.Engine;
import dev.svd.engine.OsProcessRunner;
import dev.svd.engine.LoggedOutputs;
import dev.svd.logs.StdoutSink;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.svd.engine.StopOutcome;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.health.Prober;
import dev.svd.os.CommandRunner;
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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The wiring of a running svd: plain constructors, started in order, torn down in reverse. Main thread only. */
final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /** svd cannot run at all (directories, socket); the message says which and why. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    private Daemon() {}

    static int run(SupervisorSpec config, DaemonOptions options) throws StartupException {
        createDirectory(config.daemon().logDir(), "svd.log-dir");
        createDirectory(config.daemon().stateDir(), "svd.state-dir");
        Path socket = options.socket().orElse(config.daemon().socket());
        // Before anything is touched: a second svd must leave the first one's services alone.
        try {
            ControlServer.refuseIfRunning(socket);
        } catch (AlreadyRunningException e) {
            throw new StartupException(e.getMessage());
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
        try (StateDirLock lock = StateDirLock.acquire(config.daemon().stateDir(), Kernel.pid())) {
            return supervise(config, options, socket);
        }
    }

    private static int supervise(SupervisorSpec config, DaemonOptions options, Path socket) throws StartupException {
        Path file = config.file();
        Engine[] engine = new Engine[1];
        Optional<ServiceCgroups> cgroups = ServiceCgroups.detect(config.daemon().stateDir());
        Processes processes = new Processes((pid, status) -> engine[0].processExited(pid, status), cgroups);
        ProcessLedger ledger = new ProcessLedger(config.daemon().stateDir());
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
        LoggedOutputs outputs = new LoggedOutputs(config.daemon().logDir(), new StdoutSink(), remover);
        CommandRunner commands = new CommandRunner(processes);
        CommandRunner recordedCommands = new CommandRunner(processes, ledger); // jobs and certbot: a killed svd's are stopped
        Prober prober = new Prober(commands);
        engine[0] = new Engine(config, () -> ConfigLoader.load(file), new OsProcessRunner(processes, ledger, commands, fifoDir),
                outputs, new Lifecycle(() -> ThreadLocalRandom.current().nextDouble()), Clock.systemUTC(), prober);
        CertificateKeeper certs = new CertificateKeeper(config.certificates(), engine[0], recordedCommands,
                config.daemon().stateDir(), Clock.systemUTC());
        certs.prepare(); // placeholders before any service starts, so nginx -t passes (issue 6)
        JobScheduler jobs = new JobScheduler(config.daemon().logDir(), config.daemon().stateDir());
        config.jobs().values().forEach(job -> jobs.schedule(job, recordedCommands));
        certs.specs().forEach(c -> jobs.schedule(c.jobName(), c.schedule(), c.randomDelay(),
                CertificateKeeper.RUN_TIMEOUT, true, run -> certs.renew(c.name(), false).thenApply(r -> r.ok()
                        ? JobOutcome.success(r.outcome().wireName() + ": " + r.message()) : JobOutcome.failure(r.message()))));
        ServicesAndJobs servicesAndJobs = new ServicesAndJobs(engine[0], jobs, config.daemon().stopBudget());
        ControlServer control = new ControlServer(socket, servicesAndJobs, certs,
                AuthorizationPolicy.forDaemonUser(config.control().readOnlyGroup().orElse(null)), ControlLimits.DEFAULT);
        try {
            control.start();
        } catch (AlreadyRunningException e) {
            jobs.close();
            control.close();
            processes.close();
            throw new StartupException(e.getMessage());
        } catch (IOException e) {
            jobs.close();
            control.close();
            processes.close();
            throw new StartupException("cannot listen on " + socket + ": " + e.getMessage());
        }
        SignalBridge.install(servicesAndJobs, engine[0]::reopenLogs);
        log.info("svd {} (pid {}) supervising {} services from {}, control socket {}", Svd.VERSION, Kernel.pid(),
                config.services().size(), file, socket);
        adopted.forEach(l -> engine[0].adopt(l.service(), l.pgid(), l.startTime(), ProcFs.startInstant(l.startTime())));
        engine[0].start();
        certs.start();
        jobs.start();
        boolean smokeFailed = options.smokeTest() && !SmokeTest.awaitAllUp(engine[0], SmokeTest.BOUND);
        StopOutcome outcome = engine[0].stopped().join();
        control.close();
        jobs.stop(config.daemon().stopBudget());
        jobs.close();
        certs.close();
        boolean stragglers = processes.killStrayChildren() > 0;
        engine[0].close();
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

    private static void createDirectory(Path dir, String key) throws StartupException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("cannot create " + key + " " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw new StartupException(key + " " + dir + " is not writable by svd");
        }
    }
}
