package dev.svd.control;

import dev.svd.engine.ActionResult;
import dev.svd.engine.ServiceControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@code stop}: see {@link ActionHandler} for the request and answer shape. */
final class StopHandler extends ActionHandler {
    StopHandler(ServiceControl control, ControlLimits limits) {
        super(control, limits);
    }

    @Override
    CompletableFuture<ActionResult> act(ServiceControl control, String name, Duration timeout) {
        return control.stop(name, timeout);
    }
}
