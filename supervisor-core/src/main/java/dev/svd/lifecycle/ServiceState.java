package dev.svd.lifecycle;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states operators know from supervisord and systemd, and the one table of legal moves
 * between them. {@link Lifecycle} is the only code that moves a service from one to another.
 */
public enum ServiceState {
    /** Not running and not wanted: initial state, or after a stop. */
    STOPPED,
    /** A process was spawned; it has not yet stayed up for start-seconds. */
    STARTING,
    /** The process is up; dependents may start. */
    RUNNING,
    /** The process ended; waiting out the backoff delay before the next start. */
    BACKOFF,
    /** The stop signal was sent; waiting for the process group to end. */
    STOPPING,
    /** The process ended and the restart policy says not to start it again. */
    EXITED,
    /** Given up: start limit hit or the process could not be spawned. Only an operator start resumes it. */
    FAILED;

    private Set<ServiceState> next;

    static {
        STOPPED.next = EnumSet.of(STARTING, RUNNING, FAILED); // RUNNING: a leftover adopted
        STARTING.next = EnumSet.of(RUNNING, STARTING, BACKOFF, STOPPING, STOPPED, EXITED, FAILED);
        RUNNING.next = EnumSet.of(STARTING, BACKOFF, STOPPING, STOPPED, EXITED, FAILED);
        BACKOFF.next = EnumSet.of(STARTING, STOPPED, FAILED);
        STOPPING.next = EnumSet.of(STOPPED, STARTING, BACKOFF, FAILED);
        EXITED.next = EnumSet.of(STARTING, STOPPED, FAILED);
        FAILED.next = EnumSet.of(STARTING, STOPPED);
    }

    public boolean canMoveTo(ServiceState target) {
        return next.contains(target);
    }

    /** True while a process of the service may be alive. */
    public boolean hasProcess() {
        return this == STARTING || this == RUNNING || this == STOPPING;
    }

    /** The lower-case name used in logs, the protocol and svctl ({@code running}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
