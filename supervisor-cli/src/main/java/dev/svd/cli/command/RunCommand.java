package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Response;
import java.io.IOException;

/** {@code svctl run JOB}: run a scheduled job now. */
public final class RunCommand implements Command {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String synopsis() {
        return "run JOB";
    }

    @Override
    public String summary() {
        return "run a scheduled job now";
    }

    @Override
    public String details() {
        return "Exit: 0 the job ran, 1 it failed or no such job.\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(1, "one job name", name());
        Response r = inv.call(name(), JsonObject.builder().put("name", args.positionals().get(0)).build());
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        inv.out().println(args.positionals().get(0) + ": " + r.result().toJson());
        return ExitCodes.OK;
    }
}
