package dev.svd.cli.client;

import dev.svd.cli.UsageException;
import dev.svd.cli.render.Durations;
import dev.svd.protocol.JsonObject;

/**
 * How long svctl waits for svd: to accept the connection, and for the answer to a request. A
 * contract (docs/svctl.md, timeouts). The reply wait of a request that legitimately takes long
 * follows that request's own bound: an action's {@code timeout_ms} (or svd's default of 60 s,
 * control.ControlLimits) plus a margin, update's and renew's waits in svd; a followed stream and
 * {@code run} (bounded by the job's own timeout, which svctl does not know) have none.
 *
 * @param connectMillis the wait for svd to accept the connection
 * @param replyMillis   the wait for the answer of a quick request (status, logs, version, ...)
 * @param fromEnv       whether {@code replyMillis} came from {@link #ENV}
 */
public record Timeouts(long connectMillis, long replyMillis, boolean fromEnv) {
    /** The environment variable that sets the reply wait (and caps the connect wait). */
    public static final String ENV = "SVCTL_TIMEOUT";
    /** systemctl gives up on the service manager after 25 s (systemctl(1), DefaultTimeoutStartSec aside); so does svctl. */
    public static final long DEFAULT_REPLY_MILLIS = 25_000;
    public static final long DEFAULT_CONNECT_MILLIS = 5_000;
    /** svd's wait for an action that names no timeout (control.ControlLimits.DEFAULT). */
    static final long SVD_ACTION_MILLIS = 60_000;
    /** Beyond an action's own timeout: svd adds 2 s for the engine's answer; the rest is for a busy machine. */
    static final long MARGIN_MILLIS = 5_000;
    /** svd's own waits for update (control.UpdateHandler) and certs renew (control.RenewHandler). */
    static final long UPDATE_MILLIS = 5 * 60_000;
    static final long RENEW_MILLIS = 6 * 60_000;

    public static final Timeouts DEFAULT = new Timeouts(DEFAULT_CONNECT_MILLIS, DEFAULT_REPLY_MILLIS, false);

    /** From {@code SVCTL_TIMEOUT} (null or empty: the defaults); the connect wait is at most the reply wait. */
    public static Timeouts fromEnv(String env) throws UsageException {
        if (env == null || env.isEmpty()) {
            return DEFAULT;
        }
        long reply = Durations.parseMillis(env, ENV);
        return new Timeouts(Math.min(DEFAULT_CONNECT_MILLIS, reply), reply, true);
    }

    /** The reply wait for one request; 0 means none. */
    public long replyMillis(String cmd, JsonObject args) {
        if (args.boolOr("follow", false) || cmd.equals("run")) {
            return 0;
        }
        switch (cmd) {
            case "start": case "stop": case "restart": case "reload":
                return Math.max(replyMillis, args.longOr("timeout_ms", SVD_ACTION_MILLIS) + MARGIN_MILLIS);
            case "signal":
                return Math.max(replyMillis, SVD_ACTION_MILLIS + MARGIN_MILLIS);
            case "update":
                return Math.max(replyMillis, UPDATE_MILLIS + MARGIN_MILLIS);
            case "renew":
                return Math.max(replyMillis, RENEW_MILLIS + MARGIN_MILLIS);
            default:
                return replyMillis;
        }
    }

    /** The reply wait in words, saying where it came from: {@code 25s (svctl's default)}. */
    public String describeReply(String cmd, JsonObject args) {
        long ms = replyMillis(cmd, args);
        if (ms == replyMillis) {
            return text(ms) + (fromEnv ? " (" + ENV + ")" : " (svctl's default)");
        }
        if (args.has("timeout_ms")) {
            return text(ms) + " (--timeout " + text(args.longOr("timeout_ms", 0)) + " + " + text(MARGIN_MILLIS) + ")";
        }
        return text(ms) + " (svd's own limit for " + cmd + " + " + text(MARGIN_MILLIS) + ")";
    }

    static String text(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
