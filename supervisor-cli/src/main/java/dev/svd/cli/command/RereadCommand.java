package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.List;

/** {@code svctl reread}: what {@code svctl update} would change, changing nothing. */
public final class RereadCommand implements Command {
    @Override
    public String name() {
        return "reread";
    }

    @Override
    public String synopsis() {
        return "reread";
    }

    @Override
    public String summary() {
        return "read svd's configuration again and show what update would change";
    }

    @Override
    public String details() {
        return "Prints the added, removed and changed services. Exit: 0, 1 the configuration is invalid\n"
                + "(each problem printed with its file and line).\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        return configCommand(name(), args, inv, "would add", "would remove", "would restart", "would leave alone");
    }

    /** reread and update: the same request shape and the same rendering, with other verbs. */
    static int configCommand(String command, Args args, Invocation inv, String... verbs)
            throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", command);
        Response r = inv.call(command, JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        String[] keys = {"added", "removed", "changed", "unchanged"};
        boolean any = false;
        for (int i = 0; i < keys.length; i++) {
            List<String> names = r.result().strings(keys[i]);
            if (!names.isEmpty()) {
                inv.out().println(verbs[i] + ": " + String.join(", ", names));
                any = any || i < 3;
            }
        }
        if (!any) {
            inv.out().println("no changes");
        }
        return ExitCodes.OK;
    }
}
