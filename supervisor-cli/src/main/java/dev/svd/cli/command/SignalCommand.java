package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import java.io.IOException;

/** {@code svctl signal NAME SIG}: send a signal to a service's main process (engine: {@code signalProcess}). */
public final class SignalCommand implements Command {
    @Override
    public String name() {
        return "signal";
    }

    @Override
    public String synopsis() {
        return "signal NAME SIG";
    }

    @Override
    public String summary() {
        return "send a signal (HUP, TERM, USR1, 15, ...) to a service";
    }

    @Override
    public String details() {
        return "SIG is a name with or without SIG (HUP, SIGHUP) or a number (1).\n"
                + "Exit: 0 sent, 3 the service has no process, 4 no such service, 2 unknown signal.\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(2, "a service name and a signal", name());
        JsonObject request = JsonObject.builder()
                .put("name", args.positionals().get(0))
                .put("signal", args.positionals().get(1))
                .build();
        return ActionCommand.printResults(inv.call(name(), request), inv);
    }
}
