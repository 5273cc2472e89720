package dev.svd.control;

import dev.svd.engine.ConfigChange;
import dev.svd.engine.ConfigControl;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code update}: reads the config again and applies it (start added services, stop removed ones,
 * apply changed ones, restarting those that need it, see Engine.update); answers what changed and
 * how, once the restarts ended, or CONFIG_INVALID and nothing changes.
 */
final class UpdateHandler implements RequestHandler {
    /** Stopping and starting many services may take a while; beyond this the client is told. */
    static final Duration WAIT = Duration.ofMinutes(5);

    private final ConfigControl control;

    UpdateHandler(ConfigControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException {
        CompletableFuture<ConfigChange> future = control.update();
        ConfigChange change;
        try {
            change = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new RequestException(ErrorCode.TIMEOUT, "update still running after " + WAIT.toSeconds()
                    + "s; see svctl status and svctl events");
        } catch (ExecutionException e) {
            throw new IllegalStateException("update failed in the engine", e.getCause());
        }
        return RereadHandler.answer(change);
    }
}
