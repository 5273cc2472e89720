package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Durations;
import dev.svd.cli.render.ErrorTable;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.List;

/**
 * start, stop, restart and reload: {@code NAME... [--timeout DUR]}, waiting until each service
 * reaches its state (or the timeout), then one line per service.
 */
abstract class ActionCommand implements Command {
    @Override
    public String synopsis() {
        return name() + " NAME... [--timeout DUR]";
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"--timeout"};
    }

    /** The common part of the help text. */
    String actionDetails(String reached) {
        return "Returns when every named service is " + reached + ", or its timeout passed.\n"
                + "  --timeout DUR   how long to wait for each, e.g. 30s or 2m (default: svd's, 60s)\n"
                + "Prints one line per service. Exit: 0 all succeeded, 1 one failed, 4 a name is not configured.\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        if (args.positionals().isEmpty()) {
            throw new UsageException(name() + ": name at least one service");
        }
        JsonObject.Builder request = JsonObject.builder().putStrings("names", args.positionals());
        String timeout = args.value("--timeout");
        if (timeout != null) {
            request.put("timeout_ms", Durations.parseMillis(timeout, "--timeout"));
        }
        return printResults(inv.call(name(), request.build()), inv);
    }

    /** Prints per-service results: successes on stdout, failures on stderr; returns the worst exit code. */
    static int printResults(Response r, Invocation inv) {
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        JsonArray results = r.result().array("results");
        List<JsonValue> items = results == null ? List.of() : results.items();
        int code = ExitCodes.OK;
        for (JsonValue v : items) {
            JsonObject o = (JsonObject) v;
            String service = o.requireString("service");
            String message = o.string("message");
            if (o.boolOr("ok", false)) {
                StringBuilder line = new StringBuilder(service).append(": ");
                line.append(message == null || message.isEmpty() ? "done" : message);
                String state = o.string("state");
                long pid = o.longOr("pid", 0);
                long took = o.longOr("took_ms", -1);
                if (state != null) {
                    line.append(" (").append(inv.style().state(state));
                    if (pid > 0) {
                        line.append(", pid ").append(pid);
                    }
                    if (took >= 0) {
                        line.append(", ").append(Durations.formatMillis(took));
                    }
                    line.append(')');
                }
                inv.out().println(line);
            } else {
                String raw = o.string("error");
                ErrorCode ec = raw == null ? ErrorCode.FAILED : ErrorCode.lookup(raw);
                String text = message == null ? raw : message;
                if (!text.startsWith(service)) {
                    text = service + ": " + text;
                }
                code = ErrorTable.worse(code, inv.fail(new ProtocolError(ec, raw == null ? "FAILED" : raw, text, null)));
            }
        }
        return code;
    }
}
