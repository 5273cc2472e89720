package dev.svd.control;

import dev.svd.engine.ShutdownControl;
import dev.svd.protocol.JsonObject;

/**
 * {@code shutdown}: asks the engine to stop every service in reverse dependency order and then
 * exit; answers at once (the socket goes away when svd exits).
 */
final class ShutdownHandler implements RequestHandler {
    private final ShutdownControl control;

    ShutdownHandler(ShutdownControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        control.shutdown();
        return JsonObject.builder().put("shutting_down", true).build();
    }
}
