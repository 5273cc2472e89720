package dev.svd.protocol;

/**
 * The commands of the control protocol ({@code "cmd"} on the wire) and what access each needs.
 * A contract (docs/protocol.md): wire names never change meaning.
 */
public enum CommandName {
    STATUS("status", Access.READ),
    START("start", Access.CHANGE),
    STOP("stop", Access.CHANGE),
    RESTART("restart", Access.CHANGE),
    RELOAD("reload", Access.CHANGE),
    SIGNAL("signal", Access.CHANGE),
    LOGS("logs", Access.READ),
    EVENTS("events", Access.READ),
    JOBS("jobs", Access.READ),
    RUN("run", Access.CHANGE),
    CERTS("certs", Access.READ),
    RENEW("renew", Access.CHANGE),
    REREAD("reread", Access.ADMIN),
    UPDATE("update", Access.CHANGE),
    SHUTDOWN("shutdown", Access.CHANGE),
    VERSION("version", Access.READ),
    SHOW("show", Access.ADMIN),
    TOP("top", Access.READ);

    /**
     * READ: allowed to the read-only group. ADMIN: changes nothing but reveals config to full users only.
     * CHANGE: changes something; every such request is audited.
     */
    public enum Access { READ, ADMIN, CHANGE }

    private final String wireName;
    private final Access access;

    CommandName(String wireName, Access access) {
        this.wireName = wireName;
        this.access = access;
    }

    public String wireName() {
        return wireName;
    }

    public Access access() {
        return access;
    }

    public boolean readOnly() {
        return access == Access.READ;
    }

    public boolean mutating() {
        return access == Access.CHANGE;
    }

    /** The command with this wire name, or null. */
    public static CommandName lookup(String wireName) {
        for (CommandName c : values()) {
            if (c.wireName.equals(wireName)) {
                return c;
            }
        }
        return null;
    }
}
