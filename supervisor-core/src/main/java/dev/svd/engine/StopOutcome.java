package dev.svd.engine;

/** How svd's stop of everything went; the daemon turns it into its exit code. */
public enum StopOutcome {
    /** Every process ended on its stop signal. */
    CLEAN,
    /** Something needed SIGKILL (stop timeout or stop budget). */
    KILLED,
    /** An essential service ended failed, so svd stopped everything. */
    ESSENTIAL_FAILED
}
