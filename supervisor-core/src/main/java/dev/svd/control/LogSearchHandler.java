package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.engine.ServiceOutput;
import dev.svd.logs.CriRecord;
import dev.svd.logs.LogLine;
import dev.svd.logs.LogSearch;
import dev.svd.logs.LogTimes;
import dev.svd.logs.ServiceLog;
import dev.svd.os.OutputKind;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonString;
import dev.svd.protocol.JsonNull;
import dev.svd.schedule.JobControl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code logs} with {@code names} (docs/protocol.md, "logs"): searches the log files of services and
 * jobs in svd's log-dir ({@link LogSearch}) and sends the matching lines as items
 * {@code {"time","service","stream","line"}}, services interleaved by time; with {@code follow}, then
 * the services' new lines as they come. Runs on a control worker thread; reads the files as svd.
 */
final class LogSearchHandler {
    /** The most names one request may search. */
    static final int MAX_NAMES = 64;

    private final ServiceControl control;
    private final ServiceOutput output;
    private final JobControl jobs;
    private final Clock clock;
    private final ZoneId zone;

    LogSearchHandler(ServiceControl control, ServiceOutput output, JobControl jobs, Clock clock, ZoneId zone) {
        this.control = control;
        this.output = output;
        this.jobs = jobs;
        this.clock = clock;
        this.zone = zone;
    }

    /** A request for the files rather than the in-memory tail. */
    static boolean wants(JsonObject args) {
        return args.has("names");
    }

    /** One name asked for and where its output is. */
    private record Target(String name, String file, boolean job) {}

    JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException, IOException {
        Set<String> names = new LinkedHashSet<>(args.strings("names"));
        if (names.isEmpty() || names.size() > MAX_NAMES) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.names: expected 1.." + MAX_NAMES + " names (was "
                    + names.size() + ")");
        }
        OutputKind stream = stream(args.string("stream"));
        Instant now = clock.instant();
        Long since = time(args, "since", now);
        Long until = time(args, "until", now);
        boolean follow = args.boolOr("follow", false);
        if (follow && until != null) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.until (svctl --until): cannot be combined with "
                    + "follow (-f): following shows lines written from now on");
        }
        Pattern grep = grep(args.string("grep"));
        long lines = args.longOr("lines", since == null && until == null ? 10 : -1);
        if (lines < -1 || lines > LogsHandler.MAX_LINES) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.lines: expected 0.." + LogsHandler.MAX_LINES
                    + ", or -1 for all (was " + lines + ")");
        }
        List<Target> targets = new ArrayList<>();
        for (String name : names) {
            targets.add(target(name, follow));
        }
        Path dir = output.logDir();
        if (dir == null) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "this svd keeps no log files to search");
        }
        List<ServiceLog> logs = new ArrayList<>();
        try {
            for (Target t : targets) {
                ServiceLog log = ServiceLog.open(t.name(), dir, t.file());
                logs.add(log);
                if (!log.timed() && !log.empty()) {
                    refuseRaw(log, t, since != null || until != null, stream);
                }
            }
            LogSearch.Outcome outcome;
            try {
                outcome = LogSearch.run(logs, new LogSearch.Query(since, until, grep, stream, (int) lines),
                        line -> exchange.item(item(line)));
            } catch (LogSearch.GrepTooCostly e) {
                throw new RequestException(ErrorCode.BAD_REQUEST, "args.grep (svctl --grep): " + e.getMessage());
            }
            if (follow) {
                follow(targets, stream, grep, exchange);
            }
            JsonObject.Builder result = JsonObject.builder().put("lines", outcome.lines());
            result.put("truncated", outcome.truncated());
            return result.build();
        } finally {
            for (ServiceLog log : logs) {
                log.close();
            }
        }
    }

    private static OutputKind stream(String name) throws RequestException {
        if (name == null || name.equals("both")) {
            return null;
        }
        if (name.equals("stdout")) {
            return OutputKind.STDOUT;
        }
        if (name.equals("stderr")) {
            return OutputKind.STDERR;
        }
        throw new RequestException(ErrorCode.BAD_REQUEST, "args.stream: expected stdout, stderr or both (was " + name + ")");
    }

    private Long time(JsonObject args, String key, Instant now) throws RequestException {
        String text = args.string(key);
        if (text == null) {
            return null;
        }
        try {
            return LogTimes.parse(text, now, zone).toEpochMilli();
        } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args." + key + " (svctl --" + key + "): " + e.getMessage());
        }
    }

    private static Pattern grep(String text) throws RequestException {
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.grep (svctl --grep): not a regular expression: "
                    + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + " in \"" + text + "\"");
        }
    }

    private Target target(String name, boolean follow) throws RequestException {
        if (control.service(name).isPresent()) {
            return new Target(name, name + ".log", false);
        }
        String job = name.startsWith("job-") ? name.substring(4) : name;
        if (jobs.jobs().stream().anyMatch(j -> j.name().equals(job))) {
            if (follow) {
                throw new RequestException(ErrorCode.BAD_REQUEST, "args.follow (svctl -f): " + name + " is a job: its "
                        + "output cannot be followed; 'svctl run " + job + "' runs it and shows how it ended, and "
                        + "'tail -f' on job-" + job + ".log in svd's log-dir follows the file");
            }
            return new Target(name, "job-" + job + ".log", true);
        }
        throw new RequestException(ErrorCode.NO_SUCH_SERVICE, "no service or job named " + name);
    }

    private static void refuseRaw(ServiceLog log, Target t, boolean timeAsked, OutputKind stream) throws RequestException {
        if (!timeAsked && stream == null) {
            return;
        }
        String what = timeAsked ? "times, so --since and --until" : "stream tags, so --"
                + stream.name().toLowerCase(java.util.Locale.ROOT);
        String block = t.job() ? "the log block of svd's defaults" : t.name() + "'s log block";
        throw new RequestException(ErrorCode.BAD_REQUEST, t.name() + ": " + log.describe() + " has no " + what
                + " cannot be answered from it (it was written with log.timestamps = false); set log.timestamps = true"
                + " in " + block + " (lines written from then on have them), or search it with --grep and -n only");
    }

    private void follow(List<Target> targets, OutputKind stream, Pattern grep, Exchange exchange)
            throws RequestException, InterruptedException, IOException {
        Exchange.Follower follower = exchange.follower();
        List<AutoCloseable> subscriptions = new ArrayList<>();
        try {
            for (Target t : targets) {
                for (OutputKind kind : OutputKind.values()) {
                    if (stream == null || stream == kind) {
                        subscriptions.add(output.followText(t.name(), kind, l -> follower.offer(
                                item(new LogLine(clock.millis(), t.name(), kind, l)))));
                    }
                }
            }
            follower.pump(item -> grep == null || LogSearch.matchesLive(grep, item.string("line")));
        } finally {
            for (AutoCloseable s : subscriptions) {
                try {
                    s.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing an output subscription failed", e);
                }
            }
        }
    }

    /** The item of one line. A contract (docs/protocol.md): time (null when the file has none), service, stream, line. */
    static JsonObject item(LogLine line) {
        return JsonObject.builder()
                .put("time", line.timed() ? new JsonString(CriRecord.time(line.millis())) : JsonNull.NULL)
                .put("service", line.service())
                .put("stream", line.stream() == null ? JsonNull.NULL
                        : new JsonString(line.stream().name().toLowerCase(java.util.Locale.ROOT)))
                .put("line", line.text())
                .build();
    }
}
