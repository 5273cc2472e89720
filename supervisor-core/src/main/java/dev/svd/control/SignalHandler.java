package dev.svd.control;

import dev.svd.config.Signal;
import dev.svd.engine.ServiceControl;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.util.List;

/**
 * {@code signal}: {@code {"name":"web","signal":"HUP"}} sends the signal to the service's process
 * group; answers {@code {"results":[...]}} like the other actions.
 */
final class SignalHandler implements RequestHandler {
    private final ServiceControl control;
    private final ControlLimits limits;

    SignalHandler(ServiceControl control, ControlLimits limits) {
        this.control = control;
        this.limits = limits;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException {
        String name = args.requireString("name");
        String text = args.requireString("signal");
        Signal signal = Signal.parse(text).orElseThrow(() -> new RequestException(ErrorCode.BAD_REQUEST,
                "args.signal: unknown signal \"" + text + "\" (expected one of " + names() + ")"));
        long deadline = System.nanoTime() + limits.defaultActionTimeout().toNanos();
        JsonObject result = ActionHandler.await(name, control.signal(name, signal), deadline, limits.defaultActionTimeout());
        return JsonObject.builder().put("results", new JsonArray(List.<JsonValue>of(result))).build();
    }

    private static String names() {
        StringBuilder sb = new StringBuilder();
        for (Signal s : Signal.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.name());
        }
        return sb.toString();
    }
}
