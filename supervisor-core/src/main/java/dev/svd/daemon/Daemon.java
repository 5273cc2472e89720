package dev.svd.daemon;

import dev.svd.config.ConfigLoader;
import dev.svd.config.SupervisorSpec;
import dev.svd.engine.Engine;
import dev.svd.engine.OsProcessRunner;
import dev.svd.engine.OutputRegistry;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.os.Kernel;
import dev.svd.os.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
        Path file = config.file();
        Engine[] engine = new Engine[1];
        Processes processes = new Processes((pid, status) -> engine[0].processExited(pid, status));
        OutputRegistry outputs = OutputRegistry.NONE;
        engine[0] = new Engine(config, () -> ConfigLoader.load(file), new OsProcessRunner(processes), outputs,
                new Lifecycle(() -> ThreadLocalRandom.current().nextDouble()), Clock.systemUTC());
        SignalBridge.install(engine[0], () -> { });
        log.info("svd {} (pid {}) supervising {} services from {}", Svd.VERSION, Kernel.pid(),
                config.services().size(), file);
        engine[0].start();
        boolean clean = engine[0].stopped().join();
        if (processes.killAdoptedProcesses() > 0) {
            clean = false;
        }
        engine[0].close();
        processes.close();
        log.info("svd stopped{}", clean ? "" : " (some processes needed SIGKILL)");
        return clean ? Svd.EXIT_OK : Svd.EXIT_UNCLEAN_STOP;
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
