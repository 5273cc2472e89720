package dev.svd.os;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What to spawn: argv, working directory, environment overrides on top of svd's own, and user. */
public record SpawnRequest(String service, List<String> command, Optional<Path> directory,
                           Map<String, String> environment, Optional<String> user) {
    public SpawnRequest {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
