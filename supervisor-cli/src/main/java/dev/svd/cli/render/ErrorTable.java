package dev.svd.cli.render;

import dev.svd.cli.ExitCodes;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.ProtocolError;

/**
 * The one table from a protocol error code to svctl's exit code and a hint for the operator. Every
 * error svd answers is rendered through here. A contract (docs/svctl.md, exit codes).
 */
public final class ErrorTable {
    /** One row: the code, the exit code svctl ends with, and what the operator might do (may be empty). */
    public record Entry(ErrorCode code, int exitCode, String hint) {}

    private static final Entry[] ENTRIES = {
        new Entry(ErrorCode.BAD_REQUEST, ExitCodes.USAGE, ""),
        new Entry(ErrorCode.UNKNOWN_COMMAND, ExitCodes.FAILED, ""),
        new Entry(ErrorCode.NO_SUCH_SERVICE, ExitCodes.UNKNOWN_SERVICE, "svctl status lists the configured services"),
        new Entry(ErrorCode.NOT_RUNNING, ExitCodes.NOT_RUNNING, "start it with svctl start"),
        new Entry(ErrorCode.PERMISSION_DENIED, ExitCodes.FAILED,
                "run svctl as root or svd's user, or join the group in control.read-only-group"),
        new Entry(ErrorCode.TIMEOUT, ExitCodes.FAILED, "svctl events shows what happened; --timeout waits longer"),
        new Entry(ErrorCode.SPAWN_FAILED, ExitCodes.FAILED, "check the service's command, user, working directory and environment files"),
        new Entry(ErrorCode.FAILED, ExitCodes.FAILED, "svctl logs NAME shows the service's output"),
        new Entry(ErrorCode.CONFIG_INVALID, ExitCodes.FAILED, "fix the configuration, then svctl update again"),
        new Entry(ErrorCode.TOO_LARGE, ExitCodes.USAGE, ""),
        new Entry(ErrorCode.BUSY, ExitCodes.FAILED, "try again in a moment"),
        new Entry(ErrorCode.INTERNAL, ExitCodes.FAILED, "this is a bug in svd; please report it with the log lines"),
    };

    private ErrorTable() {}

    /** The row for a code; a code this svctl does not know (a newer svd) exits 1 without a hint. */
    public static Entry entry(ErrorCode code) {
        for (Entry e : ENTRIES) {
            if (e.code == code) {
                return e;
            }
        }
        return new Entry(code, ExitCodes.FAILED, "");
    }

    public static int exitCode(ProtocolError error) {
        return entry(error.code()).exitCode();
    }

    /** The diagnostic lines for stderr, each prefixed {@code svctl:}, ending with a newline. */
    public static String message(ProtocolError error) {
        StringBuilder sb = new StringBuilder("svctl: ").append(error.message());
        if (error.code() == null) {
            sb.append(" [").append(error.rawCode()).append(']');
        }
        sb.append('\n');
        for (String d : error.details()) {
            sb.append("svctl:   ").append(d).append('\n');
        }
        String hint = entry(error.code()).hint();
        if (!hint.isEmpty()) {
            sb.append("svctl: hint: ").append(hint).append('\n');
        }
        return sb.toString();
    }

    /** The worse of two exit codes: a named unknown service (4) over not running (3) over a failure (1). */
    public static int worse(int a, int b) {
        return Math.max(a, b);
    }
}
