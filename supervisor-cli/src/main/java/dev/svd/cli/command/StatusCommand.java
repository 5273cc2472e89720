package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Style;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.Response;
import dev.svd.protocol.StatusJson;
import dev.svd.protocol.StatusTable;
import java.io.IOException;
import java.util.List;

/** {@code svctl status [NAME...] [--json]}: the services' state as a table or as JSON. */
public final class StatusCommand implements Command {
    @Override
    public String name() {
        return "status";
    }

    @Override
    public String synopsis() {
        return "status [NAME...] [--json]";
    }

    @Override
    public String summary() {
        return "show the state of services (all when none are named)";
    }

    @Override
    public String details() {
        return "Prints NAME STATE PID UPTIME RESTARTS HEALTH LAST-EXIT, one service per line.\n"
                + "  --json   print {\"services\":[{\"name\",\"state\",\"pid\",\"restarts\",\"uptime_s\",\"health\",\"last_exit\",\"sockets\"}]}\n"
                + "Exit: 0 all running, 3 one is not running, 4 a name is not configured (the others are still\n"
                + "shown; when none is configured, only the error is printed).\n";
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UnreachableException, IOException {
        JsonObject.Builder request = JsonObject.builder().putStrings("names", args.positionals());
        boolean all = args.positionals().isEmpty() && !args.flag("--json");
        if (all) {
            // svd lays the table out: one string to read instead of an object per service (issue 16)
            request.put("table", true);
        }
        Response r = inv.call("status", request.build());
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        String table = all ? r.result().string("table") : null;
        if (table != null) {
            inv.out().print(coloured(table, inv.style()));
            return r.result().longOr("not_running", 0) > 0 ? ExitCodes.NOT_RUNNING : ExitCodes.OK;
        }
        JsonArray services = r.result().array("services");
        List<JsonValue> list = services == null ? List.of() : services.items();
        int code = ExitCodes.OK;
        if (args.flag("--json")) {
            inv.out().println(json(list, r.result().object("notify")));
        } else if (!list.isEmpty() || args.positionals().isEmpty()) {
            // Only unknown names: the error alone, no empty header (issue 11).
            inv.out().print(table(list, inv));
            if (!args.positionals().isEmpty()) {
                inv.out().print(details(list));
            }
        }
        for (JsonValue v : list) {
            if (!"running".equals(((JsonObject) v).string("state"))) {
                code = ExitCodes.NOT_RUNNING;
            }
        }
        for (String unknown : r.result().strings("unknown")) {
            code = inv.fail(ProtocolError.of(ErrorCode.NO_SUCH_SERVICE, "no service named " + unknown));
        }
        return code;
    }

    /** The --json document (docs/svctl.md), shared with svd.http's /status. */
    static String json(List<JsonValue> items) {
        return json(items, null);
    }

    /** {@code notify}: svd's notify socket and its counts (docs/notify.md), passed through when svd sends it. */
    static String json(List<JsonValue> items, JsonObject notify) {
        return StatusJson.write(items, notify);
    }

    static String table(List<JsonValue> services, Invocation inv) {
        StatusTable t = new StatusTable();
        for (JsonValue v : services) {
            JsonObject s = (JsonObject) v;
            t.add(s.requireString("name"), s.requireString("state"), s.longOr("pid", 0), s.longOr("uptime_s", -1),
                    s.longOr("restarts", 0), s.string("health"), s.string("last_exit"));
        }
        return coloured(t.render(), inv.style());
    }

    /**
     * {@code table} (a {@link StatusTable}) with each state coloured when colour is on: the columns
     * were laid out on the plain text, and colour codes take no room on a terminal.
     */
    static String coloured(String table, Style style) {
        int column = StatusTable.stateColumn(table);
        if (!style.enabled() || column < 0) {
            return table;
        }
        StringBuilder b = new StringBuilder(table.length() + table.length() / 4);
        int line = table.indexOf('\n') + 1;
        b.append(table, 0, line);
        while (line < table.length()) {
            int end = table.indexOf('\n', line);
            end = end < 0 ? table.length() : end + 1;
            int from = Math.min(line + column, end);
            int to = from;
            while (to < end && table.charAt(to) != ' ' && table.charAt(to) != '\n') {
                to++;
            }
            b.append(table, line, from).append(style.state(table.substring(from, to))).append(table, to, end);
            line = end;
        }
        return b.toString();
    }

    /** For named services: why each is in its state, and its last probe result. */
    static String details(List<JsonValue> services) {
        StringBuilder b = new StringBuilder();
        for (JsonValue v : services) {
            JsonObject s = (JsonObject) v;
            String name = s.requireString("name");
            String reason = s.string("reason");
            if (reason != null && !reason.isEmpty()) {
                b.append(name).append(": ").append(reason).append('\n');
            }
            String probe = s.string("probe");
            if (probe != null) {
                b.append(name).append(": last probe: ").append(probe).append('\n');
            }
            JsonArray sockets = s.array("sockets");
            for (JsonValue socket : sockets == null ? List.<JsonValue>of() : sockets.items()) {
                JsonObject o = (JsonObject) socket;
                b.append(name).append(": socket ").append(o.requireString("listen")).append(" (name ")
                        .append(o.requireString("name")).append(", fd ").append(o.longOr("fd", 0))
                        .append(", held by svd)\n");
            }
            String status = s.string("status_text");
            if (status != null) {
                b.append(name).append(": status: ").append(status).append('\n'); // its STATUS= (docs/notify.md)
            }
            long mainPid = s.longOr("main_pid", 0);
            if (mainPid > 0) {
                b.append(name).append(": main pid (MAINPID=): ").append(mainPid).append('\n');
            }
        }
        return b.toString();
    }
}
