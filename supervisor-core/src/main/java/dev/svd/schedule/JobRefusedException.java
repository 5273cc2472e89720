package dev.svd.schedule;

/**
 * A request to run a job now that was refused: no such job, or it is already running. Carries the
 * operator-readable message, such as "job renew is running since 14:03:05".
 */
public final class JobRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why: each maps to one protocol error code (NO_SUCH_SERVICE, BUSY). */
    public enum Reason { NO_SUCH_JOB, BUSY }

    private final Reason reason;

    public JobRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
