package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The config file read again: {@code svctl reread}, {@code svctl update} and SIGHUP. Safe to call from any thread. */
public interface ConfigControl {
    /** Reads the config file again and says what an update would change, changing nothing. */
    ConfigChange reread();

    /** Reads the config again and applies it; an invalid config changes nothing. */
    CompletableFuture<ConfigChange> update();

    /** The spec svd runs {@code name} with now (the last applied configuration), for {@code svctl show}. */
    Optional<ServiceSpec> spec(String name);
}
