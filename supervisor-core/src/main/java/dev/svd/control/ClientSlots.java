package dev.svd.control;

import java.util.HashMap;
import java.util.Map;

/**
 * Who may hold a control connection now: at most {@code maxClients} in all, of which
 * {@code reservedForRoot} only privileged clients (root, and svd's own user when svd is not root:
 * those with full access) may take, and at most {@code maxClientsPerUser} for any other uid. So
 * clients of other users, however many and however slow, never lock the operator out, and one user
 * cannot take every slot from the others. Privileged clients have no per-user bound: whoever has
 * full access can end svd anyway, and an operator's own scripts must not lock the operator out.
 * Thread-safe (the accept thread takes slots, connection threads give them back).
 */
final class ClientSlots {
    /** The answer to one connection; everything but ADMITTED is a BUSY refusal. */
    enum Verdict { ADMITTED, FULL, USER_FULL }

    private final int maxClients;
    private final int maxClientsPerUser;
    private final int reservedForRoot;
    private final Map<Integer, Integer> perUid = new HashMap<>();
    private int total;

    ClientSlots(ControlLimits limits) {
        this.maxClients = limits.maxClients();
        this.maxClientsPerUser = limits.maxClientsPerUser();
        this.reservedForRoot = limits.reservedForRoot();
    }

    /** Takes a slot for {@code uid} (-1: unknown, counted as one more stranger) if there is one. */
    synchronized Verdict take(int uid, boolean privileged) {
        if (privileged) {
            if (total >= maxClients) {
                return Verdict.FULL;
            }
        } else {
            if (total >= maxClients - reservedForRoot) {
                return Verdict.FULL;
            }
            if (perUid.getOrDefault(uid, 0) >= maxClientsPerUser) {
                return Verdict.USER_FULL;
            }
        }
        total++;
        perUid.merge(uid, 1, Integer::sum);
        return Verdict.ADMITTED;
    }

    /** Gives back a slot taken by {@link #take}. */
    synchronized void release(int uid) {
        total--;
        perUid.computeIfPresent(uid, (k, n) -> n == 1 ? null : n - 1);
    }

    synchronized int total() {
        return total;
    }
}
