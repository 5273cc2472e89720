package dev.svd.os;

import java.util.List;
import java.util.Optional;

/**
 * A notify message and who sent it, as the notify thread read it (docs/notify.md): the sender's
 * credentials from the kernel (SCM_CREDENTIALS) and what /proc said of it when the datagram was
 * read, so the engine can decide which service, if any, it belongs to. Immutable.
 *
 * @param sender  the sending process
 * @param message the parsed assignments
 * @param mainPid the process a {@code MAINPID=} names, read the same way; empty without one
 */
public record Notification(Process sender, NotifyMessage message, Optional<Process> mainPid) {
    /**
     * A process as /proc showed it. {@code processGroup} and {@code session} are -1 and
     * {@code ancestors} empty when the process was already gone (/proc/PID/stat, proc(5)).
     *
     * @param ancestors its parent, grandparent... up to (not including) pid 1 or svd
     * @param command   its command line, or "?" when gone
     */
    public record Process(int pid, int uid, int processGroup, int session, List<Integer> ancestors, String command) {
        public Process {
            ancestors = List.copyOf(ancestors);
        }

        /** True if {@code mainPid} is this process, its group or session leader, or one of its ancestors. */
        public boolean belongsTo(int mainPid) {
            return mainPid > 0 && (pid == mainPid || processGroup == mainPid || session == mainPid
                    || ancestors.contains(mainPid));
        }
    }
}
