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
        return "update [--json]";
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public String summary() {
        return "apply svd's configuration: start added, stop removed, apply changed services";
    }

    @Override
    public String details() {
        return "A service whose command, directory, environment or user changed is restarted (its\n"
                + "dependents keep running) and update waits for it; other changes (probes, stop, reload,\n"
                + "depends-on, ...) take effect without a restart; a stopped service gets its new settings at\n"
                + "its next start; log settings wait for svd's restart. Unchanged services are left alone.\n"
                + "Exit: 0, 1 a restart failed or the configuration is invalid (nothing changed; its problems\n"
                + "are printed).\n"
                + "  --json   print svd's answer as one line (docs/protocol.md, update)\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        return RereadCommand.configCommand(name(), args, inv, "added", "removed", "restarted",
                "changed without restart", "changed for next start", "pending until svd restarts", "unchanged");
    }
}
