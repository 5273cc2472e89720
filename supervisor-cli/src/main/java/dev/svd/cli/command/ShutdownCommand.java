package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Response;
import java.io.IOException;

/** {@code svctl shutdown}: stop every service and let svd exit. */
public final class ShutdownCommand implements Command {
    @Override
    public String name() {
        return "shutdown";
    }

    @Override
    public String synopsis() {
        return "shutdown";
    }

    @Override
    public String summary() {
        return "stop every service in reverse dependency order, then stop svd";
    }

    @Override
    public String details() {
        return "Returns once svd has accepted the request; svd exits when the services are down.\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", name());
        Response r = inv.call(name(), JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        inv.out().println("svd is shutting down");
        return ExitCodes.OK;
    }
}
