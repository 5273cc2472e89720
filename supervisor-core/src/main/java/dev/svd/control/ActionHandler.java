package dev.svd.control;

import dev.svd.engine.ActionResult;
import dev.svd.engine.ServiceControl;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape shared by start, stop, restart and reload: {@code {"names":[...],"timeout_ms":N}},
 * one action per service offered to the engine at once, then awaited; answers
 * {@code {"results":[...]}} with one entry per service (a batch answers per service).
 */
abstract class ActionHandler implements RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(ActionHandler.class);
    /** Extra wait beyond the action's timeout for the engine to report that it timed out. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final ServiceControl control;
    private final ControlLimits limits;

    ActionHandler(ServiceControl control, ControlLimits limits) {
        this.control = control;
        this.limits = limits;
    }

    /** Offers the action for one service to the engine. */
    abstract CompletableFuture<ActionResult> act(ServiceControl control, String name, Duration timeout);

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(args.strings("names")));
        if (names.isEmpty()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.names: name at least one service");
        }
        Duration timeout = timeout(args, limits);
        List<CompletableFuture<ActionResult>> pending = new ArrayList<>();
        for (String name : names) {
            pending.add(act(control, name, timeout));
        }
        List<JsonValue> results = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.plus(GRACE).toNanos();
        for (int i = 0; i < names.size(); i++) {
            results.add(await(names.get(i), pending.get(i), deadline, timeout));
        }
        return JsonObject.builder().put("results", new JsonArray(results)).build();
    }

    static Duration timeout(JsonObject args, ControlLimits limits) throws RequestException {
        long ms = args.longOr("timeout_ms", limits.defaultActionTimeout().toMillis());
        if (ms <= 0 || ms > limits.maxActionTimeout().toMillis()) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.timeout_ms: expected 1.."
                    + limits.maxActionTimeout().toMillis() + " (was " + ms + ")");
        }
        return Duration.ofMillis(ms);
    }

    static JsonObject await(String name, CompletableFuture<ActionResult> future, long deadlineNanos, Duration timeout)
            throws InterruptedException {
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            return SnapshotJson.action(future.get(left, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            future.cancel(false);
            return failure(name, ErrorCode.TIMEOUT, name + ": no answer from svd's engine within "
                    + timeout.plus(GRACE).toSeconds() + "s");
        } catch (ExecutionException e) {
            String ref = Connection.ref();
            log.error("control: action on {} failed in the engine (ref {})", name, ref, e.getCause());
            return failure(name, ErrorCode.INTERNAL, name + ": internal error; see svd's log (ref " + ref + ")");
        }
    }

    private static JsonObject failure(String name, ErrorCode code, String message) {
        return JsonObject.builder().put("service", name).put("ok", false).put("error", code.name())
                .put("message", message).put("state", (String) null).put("pid", (String) null)
                .put("took_ms", (String) null).build();
    }
}
