package dev.svd.engine;

import dev.svd.lifecycle.ServiceSnapshot;
import java.time.Duration;

/**
 * The answer to one operator action on one service. {@code error} is null on success, else one of
 * the protocol's error codes ({@code NO_SUCH_SERVICE}, {@code NOT_RUNNING}, {@code TIMEOUT},
 * {@code SPAWN_FAILED}, {@code FAILED}); {@code message} says what happened in operator words.
 */
public record ActionResult(String service, String error, String message, ServiceSnapshot after, Duration took) {
    public boolean ok() {
        return error == null;
    }
}
