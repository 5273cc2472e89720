package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Durations;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Response;
import java.io.IOException;

/** {@code svctl run JOB}: run a scheduled job now and print how it ended with its last lines of output. */
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
        return "run a scheduled job now and wait for its result";
    }

    @Override
    public String details() {
        return "Prints \"JOB: RESULT after DURATION\" and the last lines of the job's output (all of it is in\n"
                + "log-dir/job-JOB.log). A job that is running is not started again (BUSY).\n"
                + "Exit: 0 the job succeeded, 1 it failed, timed out or is running, 4 no such job.\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        args.expectPositionals(1, "one job name", name());
        String job = args.positionals().get(0);
        Response r = inv.call(name(), JsonObject.builder().put("name", job).build());
        if (!r.ok()) {
            if (r.error().code() == ErrorCode.NO_SUCH_SERVICE) {
                inv.diagnostic(r.error().message());
                inv.diagnostic("hint: svctl jobs lists the configured jobs");
                return ExitCodes.UNKNOWN_SERVICE;
            }
            return inv.fail(r.error());
        }
        inv.out().print(render(r.result()));
        return r.result().boolOr("ok", false) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    static String render(JsonObject result) {
        StringBuilder sb = new StringBuilder();
        sb.append(result.requireString("job")).append(": ").append(result.requireString("result"))
                .append(" after ").append(Durations.formatMillis(result.longOr("took_ms", 0)));
        String started = result.string("started");
        if (started != null && started.length() >= 19) {
            sb.append(" (started ").append(started, 11, 19).append(')');
        }
        sb.append('\n');
        for (String line : result.strings("output")) {
            sb.append("  | ").append(line).append('\n');
        }
        return sb.toString();
    }
}
