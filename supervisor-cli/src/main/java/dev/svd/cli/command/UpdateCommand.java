package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import java.io.IOException;

/** {@code svctl update}: apply svd's configuration file as it is now. */
public final class UpdateCommand implements Command {
    @Override
    public String name() {
        return "update";
    }

    @Override
    public String synopsis() {
        return "update";
    }

    @Override
    public String summary() {
        return "apply svd's configuration: start added, stop removed, restart changed services";
    }

    @Override
    public String details() {
        return "Unchanged services are left alone. An invalid configuration changes nothing:\n"
                + "its problems are printed and the exit code is 1.\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        return RereadCommand.configCommand(name(), args, inv, "added", "removed", "restarted", "unchanged");
    }
}
