package dev.svd.engine;

/**
 * Stopping svd: {@code svctl shutdown}, SIGTERM and SIGINT. The engine's stops the services; the daemon
 * wires one that also stops the job scheduler. Safe to call from any thread.
 */
@FunctionalInterface
public interface ShutdownControl {
    /** Stops every service in reverse dependency order, then lets svd exit. */
    void shutdown();
}
