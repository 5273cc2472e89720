package dev.svd.control;

/**
 * Hears of every answered control request, for metrics ({@code svd_control_requests_total}, docs/metrics.md).
 * Called on the connection's thread after the answer is built: it must return at once. Both values come
 * from small fixed sets, so they can be metric labels.
 */
@FunctionalInterface
public interface RequestCounter {
    RequestCounter NONE = (command, outcome) -> { };

    /**
     * @param command the request's {@code cmd} (a wire name of {@code CommandName}), or {@code unknown} for a
     *                line that is not a request or names no known command
     * @param outcome {@code ok}, {@code partial} or {@code failed} for an answer with a result (as the audit log
     *                says, docs/protocol.md), else the error code in lower case ({@code no_such_service},
     *                {@code permission_denied}, ...)
     */
    void answered(String command, String outcome);
}
