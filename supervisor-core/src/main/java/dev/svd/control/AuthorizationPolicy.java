package dev.svd.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may do what on the control socket: {@code fullAccessUsers} (root and svd's own user) may run
 * every command; members of {@code readOnlyGroup} (config {@code control.read-only-group}; null for
 * none) may run the read-only commands; everyone else is refused. Group membership is the peer's
 * primary group, or the user listed as a member in {@code groupFile} (normally /etc/group; SO_PEERCRED
 * carries no supplementary groups). Immutable; any thread.
 */
public record AuthorizationPolicy(Set<String> fullAccessUsers, String readOnlyGroup, Path groupFile) {
    /** What a peer may do. */
    public enum Access { NONE, READ_ONLY, FULL }

    public AuthorizationPolicy {
        fullAccessUsers = Set.copyOf(fullAccessUsers);
        if (readOnlyGroup != null && readOnlyGroup.isBlank()) {
            readOnlyGroup = null;
        }
    }

    /** Root and the user svd runs as get full access; {@code readOnlyGroup} may be null. */
    public static AuthorizationPolicy forDaemonUser(String readOnlyGroup) {
        // A set built from a list: svd often runs as root, and Set.of rejects the duplicate.
        return new AuthorizationPolicy(new HashSet<>(List.of("root", System.getProperty("user.name"))), readOnlyGroup,
                Path.of("/etc/group"));
    }

    public Access accessOf(Peer peer) {
        if (fullAccessUsers.contains(peer.user())) {
            return Access.FULL;
        }
        if (readOnlyGroup != null && (readOnlyGroup.equals(peer.group()) || listedInGroupFile(peer.user()))) {
            return Access.READ_ONLY;
        }
        return Access.NONE;
    }

    /** A phrase for refusals: who may do what. */
    String describe() {
        String full = String.join(", ", fullAccessUsers.stream().sorted().toList());
        return "full access: " + full + (readOnlyGroup == null ? "; no read-only group configured"
                : "; read-only: group " + readOnlyGroup);
    }

    /** group(5): {@code name:password:GID:user1,user2}. */
    private boolean listedInGroupFile(String user) {
        List<String> lines;
        try {
            lines = Files.readAllLines(groupFile);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + groupFile + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(readOnlyGroup)) {
                for (String member : f[3].split(",")) {
                    if (member.trim().equals(user)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
