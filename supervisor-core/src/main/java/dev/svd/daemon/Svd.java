package dev.svd.daemon;

import dev.svd.config.ConfigException;
import dev.svd.config.ConfigLoader;
import dev.svd.config.SupervisorSpec;

/**
 * Entry point of the svd daemon. Exit codes (a contract, documented in docs/daemon.md):
 * 0 clean stop; 1 stopped, but something needed SIGKILL or could not be stopped; 2 an essential
 * service failed, so svd stopped everything; 64 bad command
 * line; 69 cannot start (socket taken, directories not writable or writable by others); 78 invalid configuration.
 */
public final class Svd {
    /** From the jar's manifest (the Maven project version); "dev" when run from class directories. */
    public static final String VERSION = java.util.Objects.requireNonNullElse(
            Svd.class.getPackage().getImplementationVersion(), "dev");

    static final int EXIT_OK = 0;
    static final int EXIT_UNCLEAN_STOP = 1;
    static final int EXIT_ESSENTIAL_FAILED = 2;
    static final int EXIT_USAGE = 64;
    static final int EXIT_UNAVAILABLE = 69;
    static final int EXIT_CONFIG = 78;

    private Svd() {}

    public static void main(String[] args) {
        dev.svd.os.JnaSetup.useShippedLibrary();
        System.exit(run(args));
    }

    static int run(String[] args) {
        DaemonOptions options;
        try {
            options = DaemonOptions.parse(args, System.getenv("SVD_SOCKET"));
        } catch (DaemonOptions.UsageException e) {
            System.err.println("svd: " + e.getMessage());
            System.err.println(DaemonOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.help()) {
            System.out.println(DaemonOptions.USAGE);
            return EXIT_OK;
        }
        if (options.version()) {
            System.out.println("svd " + VERSION);
            return EXIT_OK;
        }
        SupervisorSpec config;
        try {
            config = ConfigLoader.load(options.config());
        } catch (ConfigException e) {
            System.err.println("svd: " + e.getMessage());
            return EXIT_CONFIG;
        }
        if (options.checkOnly()) {
            System.out.print(CheckReport.render(config));
            java.util.List<String> unsafe = Daemon.directoryProblems(config,
                    options.socket().orElse(config.daemon().socket()));
            unsafe.forEach(p -> System.err.println("svd: " + p));
            return unsafe.isEmpty() ? EXIT_OK : EXIT_UNAVAILABLE;
        }
        try {
            return Daemon.run(config, options);
        } catch (Daemon.StartupException e) {
            System.err.println("svd: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
    }
}
