package dev.svd.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may do what on the control socket, by uid and gid numbers (names are for display only: a
 * name lookup can fail, for instance when svd is out of file descriptors, and must never turn root
 * into a stranger). {@code fullAccessUids} (root and svd's own uid) may run every command; members
 * of {@code readOnlyGroup} (config {@code control.read-only-group}; null for none), that is peers
 * whose primary gid is {@code readOnlyGid} or whose uid is in {@code readOnlyMembers}, may run the
 * read-only commands; everyone else is refused. SO_PEERCRED carries no supplementary groups, so the
 * members listed in /etc/group are resolved to uids (through /etc/passwd) when the policy is made,
 * at svd's start. Immutable; any thread.
 */
public record AuthorizationPolicy(Set<Integer> fullAccessUids, String readOnlyGroup, int readOnlyGid,
                                  Set<Integer> readOnlyMembers) {
    /** What a peer may do. */
    public enum Access { NONE, READ_ONLY, FULL }

    public AuthorizationPolicy {
        fullAccessUids = Set.copyOf(fullAccessUids);
        readOnlyMembers = Set.copyOf(readOnlyMembers);
        if (readOnlyGroup != null && readOnlyGroup.isBlank()) {
            readOnlyGroup = null;
        }
        if (readOnlyGroup == null) {
            readOnlyGid = -1;
            readOnlyMembers = Set.of();
        }
    }

    /** Root and the uid svd runs as get full access; {@code readOnlyGroup} may be null. */
    public static AuthorizationPolicy forDaemonUser(String readOnlyGroup) {
        int own;
        try {
            // /proc/self belongs to the process's effective uid (proc(5)).
            own = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell svd's own uid from /proc/self: " + e.getMessage(), e);
        }
        return of(own, readOnlyGroup, Path.of("/etc/group"), Path.of("/etc/passwd"));
    }

    /**
     * Root and {@code ownUid} get full access; {@code readOnlyGroup} is looked up in {@code groupFile}
     * (gid -1 when it has no entry: then only listed members would match, and there are none) and
     * its listed members in {@code passwdFile}.
     */
    static AuthorizationPolicy of(int ownUid, String readOnlyGroup, Path groupFile, Path passwdFile) {
        Set<Integer> full = new HashSet<>(List.of(0, ownUid));
        if (readOnlyGroup == null || readOnlyGroup.isBlank()) {
            return new AuthorizationPolicy(full, null, -1, Set.of());
        }
        int gid = -1;
        Set<Integer> members = new HashSet<>();
        for (String[] f : entries(groupFile)) { // group(5): name:password:GID:user1,user2
            if (f.length >= 4 && f[0].equals(readOnlyGroup)) {
                gid = number(f[2]);
                for (String member : f[3].split(",")) {
                    int uid = uidOf(member.trim(), passwdFile);
                    if (uid >= 0) {
                        members.add(uid);
                    }
                }
            }
        }
        return new AuthorizationPolicy(full, readOnlyGroup, gid, members);
    }

    public Access accessOf(Peer peer) {
        if (peer.uid() < 0) {
            return Access.NONE; // unknown: never guess from a name
        }
        if (fullAccessUids.contains(peer.uid())) {
            return Access.FULL;
        }
        if (readOnlyGroup != null && ((readOnlyGid >= 0 && peer.gid() == readOnlyGid)
                || readOnlyMembers.contains(peer.uid()))) {
            return Access.READ_ONLY;
        }
        return Access.NONE;
    }

    /** Whether {@code uid} may run every command (such clients share the slots root keeps). */
    boolean fullAccess(int uid) {
        return uid >= 0 && fullAccessUids.contains(uid);
    }

    /** A phrase for refusals: who may do what. */
    String describe() {
        StringBuilder uids = new StringBuilder();
        for (int uid : new TreeSet<>(fullAccessUids)) {
            uids.append(uids.length() == 0 ? "" : ", ").append(uid == 0 ? "root" : "uid " + uid);
        }
        return "full access: " + uids + (readOnlyGroup == null ? "; no read-only group configured"
                : "; read-only: group " + readOnlyGroup + (readOnlyGid < 0 ? "" : " (gid " + readOnlyGid + ")"));
    }

    /** The uid of {@code user} (a name, or a number as text) in {@code passwdFile}; -1 when unknown. */
    static int uidOf(String user, Path passwdFile) {
        if (!user.isEmpty() && user.chars().allMatch(Character::isDigit)) {
            return number(user);
        }
        for (String[] f : entries(passwdFile)) { // passwd(5): name:password:UID:GID:...
            if (f.length >= 3 && f[0].equals(user)) {
                return number(f[2]);
            }
        }
        return -1;
    }

    /** The gid of {@code group} (a name, or a number as text) in {@code groupFile}; -1 when unknown. */
    static int gidOf(String group, Path groupFile) {
        if (!group.isEmpty() && group.chars().allMatch(Character::isDigit)) {
            return number(group);
        }
        for (String[] f : entries(groupFile)) {
            if (f.length >= 3 && f[0].equals(group)) {
                return number(f[2]);
            }
        }
        return -1;
    }

    private static List<String[]> entries(Path file) {
        try {
            return Files.readAllLines(file).stream().map(line -> line.split(":", -1)).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
