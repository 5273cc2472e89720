package dev.svd.control;

import dev.svd.engine.SupervisorControl;
import dev.svd.logs.OutputStream;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import java.io.IOException;
import java.util.List;

/**
 * {@code logs}: {@code {"name":"web","lines":10,"stream":"stdout","follow":false}} sends the last
 * lines as items {@code {"line":"..."}}; with follow, keeps sending new lines until the client hangs
 * up. A line written between the tail and the subscription may be missed.
 */
final class LogsHandler implements RequestHandler {
    static final int MAX_LINES = 10_000;

    private final SupervisorControl control;

    LogsHandler(SupervisorControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange)
            throws RequestException, InterruptedException, IOException {
        String name = args.requireString("name");
        long lines = args.longOr("lines", 10);
        if (lines < 0 || lines > MAX_LINES) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.lines: expected 0.." + MAX_LINES + " (was " + lines + ")");
        }
        String streamName = args.string("stream");
        OutputStream stream;
        if (streamName == null || streamName.equals("stdout")) {
            stream = OutputStream.STDOUT;
        } else if (streamName.equals("stderr")) {
            stream = OutputStream.STDERR;
        } else {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.stream: expected stdout or stderr (was " + streamName + ")");
        }
        if (control.service(name).isEmpty()) {
            String job = name.startsWith("job-") ? name.substring(4) : name;
            if (control.jobs().stream().anyMatch(j -> j.name().equals(job))) {
                throw new RequestException(ErrorCode.NO_SUCH_SERVICE, name + " is a job, not a service: its output is in"
                        + " job-" + job + ".log in svd's log-dir, and 'svctl run " + job + "' shows a run's last lines");
            }
            throw new RequestException(ErrorCode.NO_SUCH_SERVICE, "no service named " + name);
        }
        List<String> tail = lines == 0 ? List.of() : control.tail(name, (int) lines, stream);
        for (String line : tail) {
            exchange.item(line(line));
        }
        if (args.boolOr("follow", false)) {
            Exchange.Follower follower = exchange.follower();
            try (AutoCloseable sub = control.followOutput(name, stream, l -> follower.offer(line(l)))) {
                follower.pump(item -> true);
            } catch (RequestException | InterruptedException | IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the output subscription of " + name + " failed", e);
            }
        }
        return JsonObject.builder().put("lines", tail.size()).build();
    }

    private static JsonObject line(String text) {
        return JsonObject.builder().put("line", text).build();
    }
}
