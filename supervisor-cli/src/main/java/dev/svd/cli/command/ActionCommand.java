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
        return name() + " NAME... [--timeout DUR] [--json]";
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"--timeout"};
    }

    /** The common part of the help text. */
    String actionDetails(String reached) {
        return "Returns when every named service is " + reached + ", or its timeout passed.\n"
                + "  --timeout DUR   how long to wait for each, e.g. 30s or 2m (default: svd's, 60s)\n"
                + "  --json          print svd's answer as one line: {\"results\":[{\"service\",\"ok\",\"error\",\n"
                + "                  \"message\",\"state\",\"pid\",\"took_ms\",\"also\"}]} (docs/svctl.md)\n"
                + "Prints one line per service, and one per other service a stop stopped or a start started\n"
                + "because of a dependency (\"nginx: stopped (depends on gunicorn)\").\n"
                + "Exit: 0 all succeeded, 1 one failed, 4 a name is not configured.\n";
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
        Response r = inv.call(name(), request.build());
        if (args.flag("--json") && r.ok()) {
            inv.out().println(r.result().toJson());
            return exitCode(r.result().array("results"));
        }
        return printResults(r, inv);
    }

    /** The worst exit code of the results, printing nothing (--json). */
    static int exitCode(JsonArray results) {
        int code = ExitCodes.OK;
        for (JsonValue v : results == null ? List.<JsonValue>of() : results.items()) {
            JsonObject o = (JsonObject) v;
            if (!o.boolOr("ok", false)) {
                String raw = o.string("error");
                ErrorCode ec = raw == null ? ErrorCode.FAILED : ErrorCode.lookup(raw);
                code = ErrorTable.worse(code, ErrorTable.exitCode(new ProtocolError(ec, raw == null ? "FAILED" : raw,
                        "", null)));
            }
        }
        return code;
    }

    /** Prints per-service results: successes on stdout, failures on stderr; returns the worst exit code. */
    static int printResults(Response r, Invocation inv) {
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        JsonArray results = r.result().array("results");
        return printResults(results == null ? List.of() : results.items(), inv);
    }

    /**
     * Prints each result and, after it, the other services it stopped or started
     * ({@code nginx: stopped (depends on gunicorn)}) on stdout; returns the worst exit code.
     */
    static int printResults(List<? extends JsonValue> items, Invocation inv) {
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
            JsonArray also = o.array("also");
            for (JsonValue a : also == null ? List.<JsonValue>of() : also.items()) {
                JsonObject x = (JsonObject) a;
                inv.out().println(x.requireString("service") + ": " + x.string("message") + " (" + x.string("why") + ")");
            }
        }
        return code;
    }
}
