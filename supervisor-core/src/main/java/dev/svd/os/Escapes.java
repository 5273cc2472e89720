package dev.svd.os;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Finds the processes of a service that left its process group (setsid(2), setpgid(2)), through
 * /proc: the descendants of its live main process, and those of svd's own children that no spawn
 * registered (orphans reparented to svd, the child subreaper) whose exec-time environment carries
 * the service's marker {@code SVD_SERVICE=NAME}, with their descendants. Run at a stop and after a
 * main process ended, never on a timer. Stateless; any thread. Why this way and its limits:
 * docs/decisions/0006-processes-that-leave-their-group.md.
 */
final class Escapes {
    /** The environment variable svd sets in every service's main process; its descendants inherit it. */
    static final String MARKER = "SVD_SERVICE";

    private Escapes() {}

    static String marker(String service) {
        return MARKER + "=" + service;
    }

    /**
     * Live processes of {@code service} whose process group is not {@code pgid}. {@code mainPid}
     * is walked only when it is still svd's unreaped child (else 0: its pid may be reused);
     * {@code registered} tells svd's children that spawns registered (main processes, commands),
     * whose owners svd knows without reading their environment; {@code svdChildren} are svd's
     * children ({@link ProcFs#childrenOfAllThreads} of svd, read after the last reap).
     */
    static Set<Integer> find(String service, int mainPid, int pgid, IntPredicate registered, List<Integer> svdChildren) {
        String marker = marker(service);
        Deque<Integer> todo = new ArrayDeque<>();
        if (mainPid > 0) {
            todo.add(mainPid);
        }
        for (int child : svdChildren) {
            if (!registered.test(child) && ProcFs.environmentHas(child, marker)) {
                todo.add(child);
            }
        }
        Set<Integer> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            int pid = todo.poll();
            if (seen.add(pid)) {
                todo.addAll(ProcFs.childrenOfAllThreads(pid));
            }
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (int pid : seen) {
            int group = ProcFs.processGroup(pid);
            if (group != -1 && group != pgid && ProcFs.liveProcess(pid)) {
                out.add(pid);
            }
        }
        return out;
    }
}
