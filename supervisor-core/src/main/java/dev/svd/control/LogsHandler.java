package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.engine.ServiceOutput;
import dev.svd.os.OutputKind;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.schedule.JobControl;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;

/**
 * {@code logs}: {@code {"name":"web","lines":10,"stream":"stdout","follow":false}} sends the last
 * lines as items {@code {"line":"..."}}; with follow, keeps sending new lines until the client hangs
 * up. A line written between the tail and the subscription may be missed. {@code "stream":"both"}
 * merges stdout and stderr in the order their lines arrived. The result {@code {"lines":N,"bytes":B}}
 * says how many bytes the service wrote on those streams since svd started it, so that a client can
 * tell "nothing written" from "no complete line kept" (docs/protocol.md). A request with {@code names}
 * (several services, jobs, --since/--until/--grep) searches the log files instead ({@link LogSearchHandler}),
 * and so does one naming a job, which has no in-memory tail.
 */
final class LogsHandler implements RequestHandler {
    static final int MAX_LINES = 10_000;

    private final ServiceControl control;
    private final ServiceOutput output;
    private final JobControl jobs;
    private final LogSearchHandler search;

    LogsHandler(ServiceControl control, ServiceOutput output, JobControl jobs) {
        this(control, output, jobs, Clock.systemUTC());
    }

    LogsHandler(ServiceControl control, ServiceOutput output, JobControl jobs, Clock clock) {
        this.control = control;
        this.output = output;
        this.jobs = jobs;
        this.search = new LogSearchHandler(control, output, jobs, clock, ZoneId.systemDefault());
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange)
            throws RequestException, InterruptedException, IOException {
        if (LogSearchHandler.wants(args)) {
            return search.handle(args, exchange);
        }
        String name = args.requireString("name");
        long lines = args.longOr("lines", 10);
        if (lines < 0 || lines > MAX_LINES) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.lines: expected 0.." + MAX_LINES + " (was " + lines + ")");
        }
        String streamName = args.string("stream");
        OutputKind stream; // null: both
        if (streamName == null || streamName.equals("stdout")) {
            stream = OutputKind.STDOUT;
        } else if (streamName.equals("stderr")) {
            stream = OutputKind.STDERR;
        } else if (streamName.equals("both")) {
            stream = null;
        } else {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.stream: expected stdout, stderr or both (was "
                    + streamName + ")");
        }
        if (control.service(name).isEmpty()) {
            String job = name.startsWith("job-") ? name.substring(4) : name;
            if (jobs.jobs().stream().anyMatch(j -> j.name().equals(job)) && output.logDir() != null) {
                // A job has no in-memory tail: its file answers (issue 15).
                JsonObject.Builder asked = JsonObject.builder().putStrings("names", List.of(name))
                        .put("lines", lines).put("follow", args.boolOr("follow", false));
                if (streamName != null) {
                    asked.put("stream", streamName);
                }
                return search.handle(asked.build(), exchange);
            }
            if (jobs.jobs().stream().anyMatch(j -> j.name().equals(job))) {
                throw new RequestException(ErrorCode.NO_SUCH_SERVICE, name + " is a job, not a service: its output is in"
                        + " job-" + job + ".log in svd's log-dir, and 'svctl run " + job + "' shows a run's last lines");
            }
            throw new RequestException(ErrorCode.NO_SUCH_SERVICE, "no service named " + name);
        }
        List<String> tail = lines == 0 ? List.of() : output.tail(name, (int) lines, stream);
        for (String line : tail) {
            exchange.item(line(line));
        }
        if (args.boolOr("follow", false)) {
            Exchange.Follower follower = exchange.follower();
            // Both streams: two subscriptions to one queue; the pump thread delivers lines in arrival order.
            try (AutoCloseable out = stream == OutputKind.STDERR ? null
                        : output.followOutput(name, OutputKind.STDOUT, l -> follower.offer(line(l)));
                 AutoCloseable err = stream == OutputKind.STDOUT ? null
                        : output.followOutput(name, OutputKind.STDERR, l -> follower.offer(line(l)))) {
                follower.pump(item -> true);
            } catch (RequestException | InterruptedException | IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the output subscription of " + name + " failed", e);
            }
        }
        JsonObject.Builder result = JsonObject.builder().put("lines", tail.size());
        long bytes = output.outputBytes(name, stream);
        if (bytes >= 0) {
            result.put("bytes", bytes);
        }
        return result.build();
    }

    private static JsonObject line(String text) {
        return JsonObject.builder().put("line", text).build();
    }
}
