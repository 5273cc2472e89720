package dev.svd.engine;

import dev.svd.config.ConfigException;
import dev.svd.config.SupervisorSpec;

/** Reads svd's configuration again, for reread, update and SIGHUP. */
@FunctionalInterface
public interface ConfigSource {
    SupervisorSpec load() throws ConfigException;
}
