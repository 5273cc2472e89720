package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.SvdClient;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import java.io.IOException;

/** {@code svctl events [-n N] [-f]}: recent state changes with their reasons, optionally followed. */
public final class EventsCommand implements Command {
    @Override
    public String name() {
        return "events";
    }

    @Override
    public String synopsis() {
        return "events [-n N] [-f]";
    }

    @Override
    public String summary() {
        return "print recent state changes with their reasons, or follow them";
    }

    @Override
    public String details() {
        return "Prints TIME SERVICE: FROM -> TO (REASON), oldest first.\n"
                + "  -n N   how many recent events (default 20, at most 1000)\n"
                + "  -f     keep printing new events until interrupted\n";
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"-n"};
    }

    @Override
    public String[] flags() {
        return new String[] {"-f", "--follow"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(0, "no arguments", name());
        JsonObject request = JsonObject.builder()
                .put("limit", args.intValue("-n", 20, 1000, name()))
                .put("follow", args.flag("-f") || args.flag("--follow"))
                .build();
        return inv.stream(name(), request, new SvdClient.ItemSink() {
            // An anonymous class, not a lambda: no LambdaMetafactory bootstrap at startup.
            @Override
            public void item(JsonObject item) {
                inv.out().println(line(item, inv));
                inv.out().flush();
            }
        });
    }

    static String line(JsonObject e, Invocation inv) {
        String from = e.string("from");
        String reason = e.string("reason");
        if (e.string("to") == null) { // a notice, not a state change (a certificate close to expiry)
            return e.string("at") + " " + e.string("service") + ": " + reason;
        }
        return e.string("at") + " " + e.string("service") + ": " + (from == null ? "-" : from) + " -> "
                + inv.style().state(e.string("to")) + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
