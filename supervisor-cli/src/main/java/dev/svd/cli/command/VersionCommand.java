package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Durations;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Protocol;
import dev.svd.protocol.Response;
import java.io.IOException;

/** {@code svctl version}: svctl's version, then the running svd's. */
public final class VersionCommand implements Command {
    @Override
    public String name() {
        return "version";
    }

    @Override
    public String synopsis() {
        return "version";
    }

    @Override
    public String summary() {
        return "print svctl's and the running svd's versions";
    }

    @Override
    public String details() {
        return "Prints svctl's version even when svd cannot be reached (then exits 69).\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", name());
        String mine = VersionCommand.class.getPackage().getImplementationVersion();
        inv.out().println("svctl " + (mine == null ? "dev" : mine) + " (protocol " + Protocol.VERSION + ")");
        inv.out().flush();
        Response r = inv.call(name(), JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        JsonObject v = r.result();
        inv.out().println("svd " + v.string("version") + " (protocol " + v.longOr("protocol", 0) + ", pid "
                + v.longOr("pid", 0) + ", up " + Durations.formatSeconds(v.longOr("uptime_s", 0)) + ", java "
                + v.string("java") + ")");
        return ExitCodes.OK;
    }
}
