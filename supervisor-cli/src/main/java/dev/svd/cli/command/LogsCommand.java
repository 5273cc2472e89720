package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.SvdClient;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Response;
import java.io.IOException;

/**
 * {@code svctl logs NAME [-n N] [-f] [--stdout|--stderr]}: a service's recent output, both streams
 * merged in arrival order unless one is chosen, optionally followed; says so on stderr when the
 * service has written nothing at all (issue 11: nginx writes only to stderr).
 */
public final class LogsCommand implements Command {
    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String synopsis() {
        return "logs NAME [-n N] [-f] [--stdout|--stderr]";
    }

    @Override
    public String summary() {
        return "print a service's last output lines, or follow them";
    }

    @Override
    public String details() {
        return "Prints the service's standard output and standard error, merged in the order svd received them.\n"
                + "  -n N       how many recent lines (default 10, at most 10000)\n"
                + "  -f         keep printing new lines until interrupted\n"
                + "  --stdout   only the service's standard output\n"
                + "  --stderr   only the service's standard error\n"
                + "A service that has written nothing is named on stderr.\n"
                + "Exit: 0 (also when it has written nothing), 4 no such service.\n";
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"-n"};
    }

    @Override
    public String[] flags() {
        return new String[] {"-f", "--follow", "--stdout", "--stderr"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(1, "one service name", name());
        String service = args.positionals().get(0);
        boolean stdout = args.flag("--stdout");
        boolean stderr = args.flag("--stderr");
        String stream = stdout == stderr ? "both" : stdout ? "stdout" : "stderr";
        int lines = args.intValue("-n", 10, 10_000, name());
        JsonObject request = JsonObject.builder()
                .put("name", service)
                .put("lines", lines)
                .put("stream", stream)
                .put("follow", args.flag("-f") || args.flag("--follow"))
                .build();
        Response r;
        try (SvdClient client = inv.connect()) {
            r = client.stream(name(), request, new SvdClient.ItemSink() {
                // An anonymous class, not a lambda: no LambdaMetafactory bootstrap at startup.
                @Override
                public void item(JsonObject item) {
                    inv.out().println(item.string("line"));
                    inv.out().flush();
                }
            });
        }
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        // "bytes" is absent from an svd that does not count them: then say nothing.
        if (lines > 0 && r.result().longOr("lines", -1) == 0 && r.result().longOr("bytes", -1) == 0) {
            inv.diagnostic(service + " has written nothing to " + (stream.equals("both") ? "stdout or stderr" : stream)
                    + " since svd started it");
        }
        return ExitCodes.OK;
    }
}
