package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.Response;
import java.io.IOException;

/** {@code svctl jobs}: the scheduled jobs. */
public final class JobsCommand implements Command {
    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public String synopsis() {
        return "jobs";
    }

    @Override
    public String summary() {
        return "list scheduled jobs";
    }

    @Override
    public String details() {
        return "Prints one job per line, or \"no jobs configured\".\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", name());
        Response r = inv.call(name(), JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        JsonArray jobs = r.result().array("jobs");
        if (jobs == null || jobs.size() == 0) {
            inv.out().println("no jobs configured");
            return ExitCodes.OK;
        }
        for (JsonValue j : jobs.items()) {
            inv.out().println(j instanceof JsonObject o && o.string("name") != null ? o.string("name") : j.toJson());
        }
        return ExitCodes.OK;
    }
}
