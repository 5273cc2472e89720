package dev.svd.health;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where an exec probe runs: the service's directory, environment overrides and user. Immutable. */
public record ProbeContext(Optional<Path> directory, Map<String, String> environment, Optional<String> user) {
    public static final ProbeContext NONE = new ProbeContext(Optional.empty(), Map.of(), Optional.empty());

    public ProbeContext {
        environment = Map.copyOf(environment);
    }
}
