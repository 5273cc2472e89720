package dev.svd.engine;

import dev.svd.os.SpawnException;

/** What one spawn came to: a process, or the {@link SpawnException} that says why there is none. */
sealed interface SpawnOutcome {
    /** The service's main process runs as {@code pid}. */
    record Spawned(int pid) implements SpawnOutcome {
    }

    /** No process: {@code cause} says why (its kind says whether trying again may help). */
    record Failed(SpawnException cause) implements SpawnOutcome {
    }
}
