package dev.svd.daemon;

import java.nio.file.Path;
import java.util.Optional;

/**
 * svd's command line: {@code svd [--config FILE] [--socket PATH]} or {@code svd --check FILE}.
 *
 * @param socket overrides {@code svd.socket}; from {@code --socket} or else {@code SVD_SOCKET}
 */
record DaemonOptions(Path config, boolean checkOnly, Optional<Path> socket, boolean help, boolean version,
                     boolean smokeTest) {
    static final Path DEFAULT_CONFIG = Path.of("/etc/svd/svd.conf");
    static final String USAGE = """
            usage: svd [--config FILE] [--socket PATH]    supervise the services in FILE (default /etc/svd/svd.conf)
                   svd --check [FILE]                     validate FILE, print the start order; exit 0 or 78
                   svd --smoke-test --config FILE         start every service, wait until all run and are ready
                                                          (at most 60s), stop them in order; exit 0 if all came up
                   svd --version | --help
            environment: SVD_SOCKET (socket path), SVD_LOG_LEVEL (DEBUG, INFO, WARN), SVD_JAVA_OPTS (launcher)""";

    /** Thrown for a bad command line; svd prints it with the usage and exits 64 (EX_USAGE). */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static DaemonOptions parse(String[] args, String envSocket) throws UsageException {
        Path config = null;
        boolean check = false;
        Path socket = envSocket == null || envSocket.isBlank() ? null : Path.of(envSocket);
        boolean help = false;
        boolean version = false;
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--config", "-c" -> config = Path.of(value(args, ++i, a));
                case "--check" -> {
                    check = true;
                    if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                        config = Path.of(args[++i]);
                    }
                }
                case "--socket" -> socket = Path.of(value(args, ++i, a));
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--smoke-test" -> smoke = true;
                default -> {
                    if (a.startsWith("--config=")) {
                        config = Path.of(a.substring("--config=".length()));
                    } else if (a.startsWith("--socket=")) {
                        socket = Path.of(a.substring("--socket=".length()));
                    } else {
                        throw new UsageException("unknown argument: " + a);
                    }
                }
            }
        }
        return new DaemonOptions(config == null ? DEFAULT_CONFIG : config, check, Optional.ofNullable(socket), help,
                version, smoke);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].isEmpty()) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }
}
