package dev.svd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code svd { ... }} block: where svd keeps its socket, logs and state, and how long an
 * ordered stop of everything may take ({@code stop-budget}, below docker's 10 s by default), and
 * its opt-in HTTP listener ({@code http}, empty: none).
 */
public record DaemonSpec(Path socket, Path logDir, Path stateDir, Duration stopBudget, Optional<HttpSpec> http) {
    public static final DaemonSpec DEFAULT = new DaemonSpec(Path.of("/run/svd/svd.sock"),
            Path.of("/var/log/svd"), Path.of("/var/lib/svd"), Duration.ofSeconds(9));

    /** Without an HTTP listener. */
    public DaemonSpec(Path socket, Path logDir, Path stateDir, Duration stopBudget) {
        this(socket, logDir, stateDir, stopBudget, Optional.empty());
    }
}
