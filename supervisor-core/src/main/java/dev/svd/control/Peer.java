package dev.svd.control;

/**
 * Who is on the other end of a control connection, as SO_PEERCRED reports it: the uid, gid and pid
 * numbers ({@code os.PeerCredentials}; -1 when svd cannot read them), which decide what the peer may
 * do, and user and primary group names for messages and audit lines only (the numeric id as text
 * when the name cannot be looked up).
 */
public record Peer(String user, String group, int uid, int gid, int pid) {
    /** For audit lines: {@code user=root uid=0 group=root pid=4242}, with "-" for what is unknown. */
    public String audit() {
        return "user=" + user + " uid=" + (uid < 0 ? "-" : Integer.toString(uid)) + " group=" + group + " pid="
                + (pid < 0 ? "-" : Integer.toString(pid));
    }

    @Override
    public String toString() {
        return user + ":" + group + (pid < 0 ? "" : " (pid " + pid + ")");
    }
}
