package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.ErrorTable;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code svctl reread}: what {@code svctl update} would change, changing nothing. */
public final class RereadCommand implements Command {
    @Override
    public String name() {
        return "reread";
    }

    @Override
    public String synopsis() {
        return "reread [--json]";
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public String summary() {
        return "read svd's configuration again and show what update would change";
    }

    @Override
    public String details() {
        return "Prints the services update would add, remove, restart, change without a restart, or change\n"
                + "for their next start, each changed one with its changed settings. Exit: 0, 1 the\n"
                + "configuration is invalid (each problem printed with its file and line).\n"
                + "  --json   print svd's answer as one line (docs/protocol.md, reread)\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        return configCommand(name(), args, inv, "would add", "would remove", "would restart",
                "would change without restart", "would change at next start", "pending until svd restarts",
                "would leave alone");
    }

    /**
     * reread and update: the same request shape and the same rendering, with other verbs. {@code verbs}:
     * added, removed, restarted, changed without restart, changed for the next start, pending until
     * svd restarts, unchanged. A restart that {@code update} waited for and that failed is listed as
     * {@code restart failed: web (command)}, its cause printed on stderr, and makes the exit code 1.
     */
    static int configCommand(String command, Args args, Invocation inv, String... verbs)
            throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", command);
        Response r = inv.call(command, JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        if (args.flag("--json")) {
            inv.out().println(r.result().toJson());
            return r.result().boolOr("ok", true) ? ExitCodes.OK : ExitCodes.FAILED;
        }
        return render(r.result(), inv, verbs);
    }

    /** Prints a reread or update result with {@code verbs} (see {@link #configCommand}); returns the exit code. */
    static int render(JsonObject result, Invocation inv, String... verbs) {
        Map<String, List<String>> byAction = new LinkedHashMap<>();
        for (String action : ACTIONS) {
            byAction.put(action, new ArrayList<>());
        }
        List<String> pending = new ArrayList<>();
        List<JsonObject> failed = new ArrayList<>();
        List<String> failedNames = new ArrayList<>();
        JsonArray changes = result.array("changes");
        for (JsonValue v : changes == null ? List.<JsonValue>of() : changes.items()) {
            JsonObject c = (JsonObject) v;
            String service = c.requireString("service");
            List<String> settings = c.strings("settings");
            String action = c.string("action");
            if (byAction.containsKey(action)) {
                JsonObject restart = c.get("result") instanceof JsonObject o ? o : null;
                String detail = String.join(", ", settings);
                if (restart != null && restart.boolOr("ok", false) && restart.longOr("pid", 0) > 0) {
                    detail += "; pid " + restart.longOr("pid", 0);
                }
                if ("at_next_start".equals(action)) {
                    detail += "; not running";
                }
                String entry = detail.isEmpty() ? service : service + " (" + detail + ")";
                if (restart != null && !restart.boolOr("ok", false)) {
                    failed.add(restart);
                    failedNames.add(entry);
                } else {
                    byAction.get(action).add(entry);
                }
            }
            if (!c.strings("pending").isEmpty()) {
                pending.add(service + " (" + String.join(", ", c.strings("pending")) + ")");
            }
        }
        List<List<String>> lines = List.of(result.strings("added"), result.strings("removed"),
                failedNames, byAction.get("restart"), byAction.get("without_restart"), byAction.get("at_next_start"),
                pending, result.strings("unchanged"));
        List<String> labels = new ArrayList<>(List.of(verbs));
        labels.add(2, "restart failed");
        boolean any = false;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isEmpty()) {
                inv.out().println(labels.get(i) + ": " + String.join(", ", lines.get(i)));
                any = any || i < lines.size() - 1;
            }
        }
        if (!any) {
            inv.out().println("no changes");
        }
        int code = ExitCodes.OK;
        for (JsonObject f : failed) {
            code = ErrorTable.worse(code, ActionCommand.printResults(List.of(f), inv));
        }
        return code;
    }

    /** The wire names of {@code changes[].action} that name a change svd applied (docs/protocol.md). */
    private static final List<String> ACTIONS = List.of("restart", "without_restart", "at_next_start");
}
