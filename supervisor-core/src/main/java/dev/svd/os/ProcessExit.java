package dev.svd.os;

import dev.svd.lifecycle.ExitStatus;

/** Told when a spawned main process has been reaped and its process group is empty. */
@FunctionalInterface
public interface ProcessExit {
    /** Called on the reaper thread (or the group-clearing timer); must not block. */
    void exited(int pid, ExitStatus status);
}
