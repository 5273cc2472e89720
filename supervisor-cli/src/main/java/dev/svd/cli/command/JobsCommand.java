package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Durations;
import dev.svd.cli.render.Table;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.JsonWriter;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code svctl jobs [--json]}: the scheduled jobs, their next and last runs. */
public final class JobsCommand implements Command {
    /** The members of {@code --json}, in order. A contract (docs/svctl.md). */
    static final String[] JSON_MEMBERS = {"name", "schedule", "description", "random_delay_s", "timeout_s",
        "persistent", "next_run", "running_since", "last_start", "last_took_ms", "last_ok", "last_result"};

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public String synopsis() {
        return "jobs [--json]";
    }

    @Override
    public String summary() {
        return "list scheduled jobs with their next and last runs";
    }

    @Override
    public String details() {
        return "Prints NAME SCHEDULE NEXT-RUN LAST-RUN RESULT DURATION DESCRIPTION, one job per line,\n"
                + "or \"no jobs configured\". NEXT-RUN is the scheduled time, before the job's random delay.\n"
                + "  --json   print {\"jobs\":[{\"name\",\"schedule\",\"description\",\"random_delay_s\",\"timeout_s\",\n"
                + "           \"persistent\",\"next_run\",\"running_since\",\"last_start\",\"last_took_ms\",\"last_ok\",\n"
                + "           \"last_result\"}]}\n";
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", name());
        Response r = inv.call(name(), JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        JsonArray jobs = r.result().array("jobs");
        List<JsonValue> list = jobs == null ? List.of() : jobs.items();
        if (args.flag("--json")) {
            inv.out().println(json(list));
        } else if (list.isEmpty()) {
            inv.out().println("no jobs configured");
        } else {
            inv.out().print(table(list));
        }
        return ExitCodes.OK;
    }

    static String json(List<JsonValue> items) {
        List<JsonValue> out = new ArrayList<>(items.size());
        for (JsonValue v : items) {
            out.add(((JsonObject) v).select(JSON_MEMBERS));
        }
        return JsonWriter.write(JsonObject.builder().put("jobs", new JsonArray(out)).build());
    }

    static String table(List<JsonValue> jobs) {
        Table t = new Table("NAME", "SCHEDULE", "NEXT-RUN", "LAST-RUN", "RESULT", "DURATION", "DESCRIPTION");
        for (JsonValue v : jobs) {
            JsonObject j = (JsonObject) v;
            String running = j.string("running_since");
            long took = j.longOr("last_took_ms", -1);
            t.row(j.requireString("name"),
                    j.requireString("schedule"),
                    time(j.string("next_run")),
                    time(j.string("last_start")),
                    running != null ? "running since " + running.substring(11, 19)
                            : j.string("last_result") != null ? j.string("last_result") : "-",
                    took >= 0 && running == null ? Durations.formatMillis(took) : "-",
                    j.string("description") != null ? j.string("description") : "");
        }
        return t.render();
    }

    /** {@code 2026-11-26T03:00:00Z} as {@code 2026-11-26 03:00} (svd's local time; no time library at svctl's start). */
    static String time(String iso) {
        return iso == null || iso.length() < 16 ? "-" : iso.substring(0, 10) + " " + iso.substring(11, 16);
    }
}
