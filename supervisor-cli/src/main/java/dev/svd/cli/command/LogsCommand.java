package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.SvdClient;
import dev.svd.cli.client.UnreachableException;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonWriter;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.List;

/**
 * {@code svctl logs NAME... [--since T] [--until T] [--grep RE] [-n N] [-f] [--stdout|--stderr] [-t] [--json]}:
 * services' and jobs' output. One service without search options: its recent lines from svd's memory,
 * both streams merged in arrival order unless one is chosen, optionally followed; says so on stderr when
 * the service has written nothing at all (issue 11: nginx writes only to stderr). Otherwise svd searches
 * the log files, rotated ones included, and the lines of several services come interleaved by time
 * (issue 15). docs/svctl.md, "logs".
 */
public final class LogsCommand implements Command {
    /** The members of {@code --json}, in order. A contract (docs/svctl.md). */
    static final String[] JSON_MEMBERS = {"time", "service", "stream", "line"};

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String synopsis() {
        return "logs NAME... [--since T] [--until T] [--grep RE] [-n N] [-f] [--stdout|--stderr] [-t] [--json]";
    }

    @Override
    public String summary() {
        return "print services' and jobs' output: recent lines, a time range, matching lines; or follow them";
    }

    @Override
    public String details() {
        return "Prints the standard output and standard error of services (and jobs), merged in time order.\n"
                + "  --since T  lines from T on: 10m, 2h, 1d (ago), today, yesterday, 2026-12-07T18:56:04Z,\n"
                + "             2026-12-07 18:56 (svd's time zone); reads the rotated files too\n"
                + "  --until T  lines up to T (same forms)\n"
                + "  --grep RE  lines containing a match of the Java regular expression RE ((?i) ignores case)\n"
                + "  -n N       the last N lines of what matches (at most 10000; default 10,\n"
                + "             all with --since or --until)\n"
                + "  -f         then keep printing new lines until interrupted\n"
                + "  --stdout   only standard output\n"
                + "  --stderr   only standard error\n"
                + "  -t         show each line's time and service: TIME NAME | line (! for stderr);\n"
                + "             the default for several names\n"
                + "  --json     one JSON object per line: {\"time\",\"service\",\"stream\",\"line\"}\n"
                + "Without search options, one service's lines come from svd's memory (since svd started it).\n"
                + "A service that has written nothing is named on stderr.\n"
                + "Exit: 0 (also when nothing matches), 2 bad --since/--until/--grep/-n, 4 no such service or job.\n";
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"-n", "--since", "--until", "--grep"};
    }

    @Override
    public String[] flags() {
        return new String[] {"-f", "--follow", "--stdout", "--stderr", "-t", "--timestamps", "--json"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        List<String> names = args.positionals();
        if (names.isEmpty()) {
            throw new UsageException(name() + ": expected one or more service or job names");
        }
        boolean stdout = args.flag("--stdout");
        boolean stderr = args.flag("--stderr");
        String stream = stdout == stderr ? "both" : stdout ? "stdout" : "stderr";
        int lines = args.intValue("-n", 10, 10_000, name());
        boolean follow = args.flag("-f") || args.flag("--follow");
        boolean json = args.flag("--json");
        boolean times = args.flag("-t") || args.flag("--timestamps") || names.size() > 1;
        boolean search = names.size() > 1 || times || json || args.value("--since") != null
                || args.value("--until") != null || args.value("--grep") != null;
        JsonObject.Builder request = JsonObject.builder();
        if (search) {
            request.putStrings("names", names);
            if (args.value("-n") != null) {
                request.put("lines", lines);
            }
            for (String key : new String[] {"since", "until", "grep"}) {
                if (args.value("--" + key) != null) {
                    request.put(key, args.value("--" + key));
                }
            }
        } else {
            request.put("name", names.get(0)).put("lines", lines);
        }
        request.put("stream", stream).put("follow", follow);
        Response r;
        try (SvdClient client = inv.connect()) {
            r = client.stream(name(), request.build(), new SvdClient.ItemSink() {
                // An anonymous class, not a lambda: no LambdaMetafactory bootstrap at startup.
                @Override
                public void item(JsonObject item) {
                    inv.out().println(json ? JsonWriter.write(item.select(JSON_MEMBERS))
                            : times ? timed(item) : item.string("line"));
                    inv.out().flush();
                }
            });
        }
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        if (r.result().boolOr("truncated", false)) {
            inv.diagnostic("older matching lines were left out: one request holds at most 16 MiB of lines;"
                    + " ask for fewer with -n, or narrow with --since or --grep");
        }
        // "bytes" is absent from an svd that does not count them: then say nothing.
        if (!search && lines > 0 && r.result().longOr("lines", -1) == 0 && r.result().longOr("bytes", -1) == 0) {
            inv.diagnostic(names.get(0) + " has written nothing to " + (stream.equals("both") ? "stdout or stderr" : stream)
                    + " since svd started it");
        }
        return ExitCodes.OK;
    }

    /** {@code TIME NAME | line}, {@code !} for stderr as on svd's console (docs/logging.md); {@code -} for no time. */
    static String timed(JsonObject item) {
        String time = item.string("time");
        String service = item.string("service");
        return (time == null ? "-" : time) + " " + (service == null ? "-" : service)
                + ("stderr".equals(item.string("stream")) ? " ! " : " | ") + item.string("line");
    }
}
