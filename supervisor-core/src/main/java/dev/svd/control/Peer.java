package dev.svd.control;

/**
 * Who is on the other end of a control connection, as SO_PEERCRED reports it: user and primary
 * group names (the numeric id as text when the id has no passwd/group entry), and the uid and pid
 * when svd can read them ({@code os.PeerCredentials}; -1 when not).
 */
public record Peer(String user, String group, int uid, int pid) {
    /** A peer known by names only. */
    public Peer(String user, String group) {
        this(user, group, -1, -1);
    }

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
