package dev.svd.engine;

import dev.svd.lifecycle.FailureKind;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The answer to one operator action on one service. {@code error} is null on success, else one of
 * the protocol's error codes ({@code NO_SUCH_SERVICE}, {@code NOT_RUNNING}, {@code TIMEOUT},
 * {@code SPAWN_FAILED}, {@code FAILED}; a failed service's kind becomes one in {@link #code});
 * {@code message} says what happened in operator words.
 * {@code also} lists the other services the action stopped or started because of their
 * dependencies (a stop stops the dependents, a start starts what the service depends on).
 */
public record ActionResult(String service, ErrorCode error, String message, ServiceSnapshot after, Duration took,
                           List<Related> also) {
    public ActionResult {
        also = List.copyOf(also);
    }

    public ActionResult(String service, ErrorCode error, String message, ServiceSnapshot after, Duration took) {
        this(service, error, message, after, took, List.of());
    }

    public boolean ok() {
        return error == null;
    }

    /**
     * The wire's error code for an action that ended in a service failure of {@code kind} (empty: the
     * lifecycle named none): the one place a failure kind becomes an error code (docs/protocol.md).
     */
    static ErrorCode code(Optional<FailureKind> kind) {
        return kind.map(k -> switch (k) {
            case SPAWN_FAILED -> ErrorCode.SPAWN_FAILED;
            case SPAWN_DEFERRED, EXITED, CRASHED, HEALTH_FAILED, NOT_READY, START_LIMIT -> ErrorCode.FAILED;
        }).orElse(ErrorCode.FAILED);
    }

    ActionResult withAlso(List<Related> related) {
        return new ActionResult(service, error, message, after, took, related);
    }

    /**
     * Another service an action stopped or started: {@code message} is what happened to it
     * ({@code stopped}, {@code started}, or its state when it got no further), {@code why} names the
     * dependency ({@code depends on gunicorn}, {@code nginx depends on it}); {@code after} is its
     * snapshot when the action ended.
     */
    public record Related(String service, String message, String why, ServiceSnapshot after) {}
}
