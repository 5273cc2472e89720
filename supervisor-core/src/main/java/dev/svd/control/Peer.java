package dev.svd.control;

/**
 * Who is on the other end of a control connection, as SO_PEERCRED reports it: user and primary
 * group names (the numeric id as text when the id has no passwd/group entry). The JDK does not
 * expose the peer's pid (java-platform-notes §6), so audit lines carry the user and group only.
 */
public record Peer(String user, String group) {
    @Override
    public String toString() {
        return user + ":" + group;
    }
}
