package dev.svd.os;

import com.sun.jna.LastErrorException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's file descriptor limit (RLIMIT_NOFILE, getrlimit(2)). svd needs a few descriptors per
 * service (pipes, log files), so at start it raises its soft limit to the hard limit, as systemd
 * does for itself; the services get the soft limit svd inherited back (see {@link #forChildren()}
 * and docs/decisions/0005-descriptor-limits.md). The launcher starts the JVM with
 * {@code -XX:-MaxFDLimit}, because HotSpot would otherwise raise the soft limit before svd's main
 * and the inherited value would be lost; then services get the hard limit as their soft one.
 * {@link #raise()} once, from the daemon's main thread, before any service starts.
 *
 * @param inherited the soft limit svd was started with
 * @param soft      the soft limit now
 * @param hard      the hard limit (-1: unlimited)
 */
public record DescriptorLimit(long inherited, long soft, long hard) {
    private static final Logger log = LoggerFactory.getLogger(DescriptorLimit.class);
    /** Set by {@link #raise()}: what a child must be given back. The limit is per process, so is this. */
    private static volatile DescriptorLimit raisedAtStart;

    /** The current limits, unchanged. */
    public static DescriptorLimit current() {
        long[] rlim = new long[2];
        LibC.C.getrlimit(LibC.RLIMIT_NOFILE, rlim);
        return new DescriptorLimit(rlim[0], rlim[0], rlim[1]);
    }

    /** Raises the soft limit to the hard one; returns the outcome (unchanged when it cannot, logged). */
    public static DescriptorLimit raise() {
        DescriptorLimit now = current();
        if (now.hard < 0 || now.soft >= now.hard) {
            return now; // unlimited (RLIM_INFINITY reads as -1), or already at the hard limit
        }
        try {
            LibC.C.setrlimit(LibC.RLIMIT_NOFILE, new long[] {now.hard, now.hard});
        } catch (LastErrorException e) {
            log.warn("cannot raise svd's descriptor limit from {} to {}: {}", now.soft, now.hard,
                    SpawnCalls.strerror(e.getErrorCode()));
            return now;
        }
        DescriptorLimit raised = new DescriptorLimit(now.soft, now.hard, now.hard);
        raisedAtStart = raised;
        return raised;
    }

    /** The limit a service must start with, when svd raised its own: the soft limit svd inherited. */
    static Optional<DescriptorLimit> forChildren() {
        DescriptorLimit raised = raisedAtStart;
        return raised == null || raised.inherited >= raised.soft ? Optional.empty() : Optional.of(raised);
    }

    /**
     * About how many descriptors svd needs: {@value #PER_SERVICE} per service and job (at rest the
     * read ends of its stdout and stderr pipes and its log file; two write ends more while it is
     * spawned; a pidfd when adopted; the rest is headroom for exec probes and jobs' output),
     * {@value #BASE} for svd itself (the JVM's jars, epoll, signalfd, eventfd, the ledger, its own
     * output, the control socket) and one per control client. An estimate for a warning, not a
     * bound svd enforces (docs/daemon.md).
     */
    public static long estimateNeeded(int services, int controlClients) {
        return BASE + (long) PER_SERVICE * services + controlClients;
    }

    static final int PER_SERVICE = 6;
    static final int BASE = 64;
}
