package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.JsonWriter;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code svctl show NAME [--json]}: a service's effective configuration and its process tree. */
public final class ShowCommand implements Command {
    @Override
    public String name() {
        return "show";
    }

    @Override
    public String synopsis() {
        return "show NAME [--json]";
    }

    @Override
    public String summary() {
        return "show a service's effective configuration (with where each value came from) and processes";
    }

    @Override
    public String details() {
        return "Prints each key, its value and where it came from (config file:line, \"profile NAME\" or\n"
                + "\"default\"), then the service's processes (pid and command line, children indented; also those\n"
                + "that left the tree but not its process group or cgroup), then the cgroup svd placed it in.\n"
                + "  --json   print svd's answer: {\"name\",\"origin\",\"state\",\"settings\":[{\"key\",\"value\",\"from\"}],\n"
                + "           \"processes\":[{\"pid\",\"parent\",\"command\",\"via\"}],\"cgroup\"}\n"
                + "Exit: 0 shown, 4 no such service.\n";
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(1, "a service name", name());
        Response r = inv.call(name(), JsonObject.builder().put("name", args.positionals().get(0)).build());
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        if (args.flag("--json")) {
            inv.out().println(JsonWriter.write(r.result()));
        } else {
            inv.out().print(text(r.result()));
        }
        return ExitCodes.OK;
    }

    static String text(JsonObject result) {
        StringBuilder out = new StringBuilder();
        out.append(result.string("name")).append(" (").append(result.string("state")).append("; defined at ")
                .append(result.string("origin")).append(")\n");
        List<JsonValue> settings = items(result.array("settings"));
        int keyWidth = 0;
        int valueWidth = 0;
        for (JsonValue v : settings) {
            JsonObject s = (JsonObject) v;
            keyWidth = Math.max(keyWidth, s.string("key").length());
            valueWidth = Math.max(valueWidth, Math.min(s.string("value").length(), 60));
        }
        for (JsonValue v : settings) {
            JsonObject s = (JsonObject) v;
            out.append("  ").append(pad(s.string("key"), keyWidth)).append("  ").append(pad(s.string("value"), valueWidth))
                    .append("  ").append(s.string("from")).append('\n');
        }
        List<JsonValue> processes = items(result.array("processes"));
        if (processes.isEmpty()) {
            out.append("processes: none\n");
        } else {
            out.append("processes:\n");
            Map<Long, Integer> depth = new HashMap<>();
            for (JsonValue v : processes) {
                JsonObject p = (JsonObject) v;
                int d = depth.getOrDefault(p.longOr("parent", 0), -1) + 1;
                depth.put(p.longOr("pid", 0), d);
                out.append("  ").append("  ".repeat(d)).append(p.longOr("pid", 0)).append("  ").append(p.string("command"));
                String via = p.string("via");
                if ("group".equals(via)) {
                    out.append("  (in its process group, not under its main process)");
                } else if ("cgroup".equals(via)) {
                    out.append("  (in its cgroup, outside its process group)");
                }
                out.append('\n');
            }
        }
        String cgroup = result.string("cgroup");
        out.append("cgroup: ").append(cgroup == null ? "none" : cgroup).append('\n');
        return out.toString();
    }

    private static List<JsonValue> items(JsonArray a) {
        return a == null ? List.of() : a.items();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
