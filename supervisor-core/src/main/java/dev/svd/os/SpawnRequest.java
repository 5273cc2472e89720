package dev.svd.os;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to spawn: argv, working directory, environment overrides on top of svd's own, and user.
 * {@code sockets}: svd's descriptors passed at fd 3, 4, ... with systemd's LISTEN_FDS, LISTEN_PID
 * and LISTEN_FDNAMES (docs/sockets.md); empty for most.
 */
public record SpawnRequest(String service, List<String> command, Optional<Path> directory,
                           Map<String, String> environment, Optional<String> user, List<PassedSocket> sockets) {
    /** One socket passed to the process: svd's descriptor and its LISTEN_FDNAMES name. */
    public record PassedSocket(int fd, String name) {}

    public SpawnRequest {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        sockets = List.copyOf(sockets);
    }

    /** A request that passes no sockets. */
    public SpawnRequest(String service, List<String> command, Optional<Path> directory,
                        Map<String, String> environment, Optional<String> user) {
        this(service, command, directory, environment, user, List.of());
    }
}
