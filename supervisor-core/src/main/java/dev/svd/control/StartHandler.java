package dev.svd.control;

import dev.svd.engine.ActionResult;
import dev.svd.engine.SupervisorControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@code start}: see {@link ActionHandler} for the request and answer shape. */
final class StartHandler extends ActionHandler {
    StartHandler(SupervisorControl control, ControlLimits limits) {
        super(control, limits);
    }

    @Override
    CompletableFuture<ActionResult> act(SupervisorControl control, String name, Duration timeout) {
        return control.start(name, timeout);
    }
}
