package dev.svd.lifecycle;

/**
 * What went wrong, as the lifecycle decided it: recorded next to the reason text of the move it
 * explains ({@link ServiceSnapshot#failure()}), so that nobody has to recognise a failure by its
 * wording. The engine maps it once to the protocol's error code ({@code engine.ActionResult.code}).
 * See docs/lifecycle.md, "Failure kinds".
 */
public enum FailureKind {
    /** The process could not be spawned, for a reason that will not pass by itself: {@code failed}. */
    SPAWN_FAILED,
    /** The process could not be spawned for now (svd short of descriptors or ledger room): {@code backoff}. */
    SPAWN_DEFERRED,
    /** The process ended and the restart policy does not restart it: {@code exited}. */
    EXITED,
    /** The process ended unasked and is restarted (at once: {@code starting}, or {@code backoff}). */
    CRASHED,
    /** The liveness probe failed and svd restarted the process like a crash. */
    HEALTH_FAILED,
    /** The process was not ready within the readiness probe's start-timeout: {@code failed}. */
    NOT_READY,
    /** Too many starts within the start limit's interval: {@code failed}. */
    START_LIMIT
}
