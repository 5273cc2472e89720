package dev.svd.os;

/** A process could not be spawned; the message is the cause in operator words, {@link #kind()} what it means. */
public final class SpawnException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, for code to decide on (never the message's wording). */
    public enum Kind {
        /** Trying again will not help until something is fixed (a missing program, a bad directory). */
        FINAL,
        /** svd (EMFILE) or the system (ENFILE) is out of file descriptors: a later try may work. */
        FD_SHORTAGE,
        /**
         * The process ledger cannot record another process (a full or failing state-dir): svd does not
         * start what it could not find again after a crash, and a later try may work (issue 12).
         */
        LEDGER_UNWRITABLE;

        /** Whether trying again later may work without anyone fixing the service's configuration. */
        public boolean temporary() {
            return this != FINAL;
        }
    }

    private final Kind kind;

    public SpawnException(String message) {
        this(message, Kind.FINAL);
    }

    public SpawnException(String message, Kind kind) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The kind of a failure with error number {@code errno}: EMFILE (24) and ENFILE (23) are a shortage. */
    static Kind kindOf(int errno) {
        return errno == 24 || errno == 23 ? Kind.FD_SHORTAGE : Kind.FINAL;
    }
}
