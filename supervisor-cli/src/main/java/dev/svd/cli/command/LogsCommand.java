package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.SvdClient;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import java.io.IOException;

/** {@code svctl logs NAME [-n N] [-f] [--stderr]}: a service's recent output, optionally followed. */
public final class LogsCommand implements Command {
    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String synopsis() {
        return "logs NAME [-n N] [-f] [--stderr]";
    }

    @Override
    public String summary() {
        return "print a service's last output lines, or follow them";
    }

    @Override
    public String details() {
        return "  -n N       how many recent lines (default 10, at most 10000)\n"
                + "  -f         keep printing new lines until interrupted\n"
                + "  --stderr   the service's standard error instead of its standard output\n"
                + "Exit: 0, 4 no such service.\n";
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"-n"};
    }

    @Override
    public String[] flags() {
        return new String[] {"-f", "--follow", "--stderr"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(1, "one service name", name());
        JsonObject request = JsonObject.builder()
                .put("name", args.positionals().get(0))
                .put("lines", args.intValue("-n", 10, 10_000, name()))
                .put("stream", args.flag("--stderr") ? "stderr" : "stdout")
                .put("follow", args.flag("-f") || args.flag("--follow"))
                .build();
        return inv.stream(name(), request, new SvdClient.ItemSink() {
            // An anonymous class, not a lambda: no LambdaMetafactory bootstrap at startup.
            @Override
            public void item(JsonObject item) {
                inv.out().println(item.string("line"));
                inv.out().flush();
            }
        });
    }
}
