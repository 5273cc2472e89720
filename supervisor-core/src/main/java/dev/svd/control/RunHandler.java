package dev.svd.control;

import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;

/** {@code run}: run a scheduled job now. No jobs exist yet, so every request is refused. */
final class RunHandler implements RequestHandler {
    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException {
        String name = args.requireString("name");
        // TODO(issue: scheduled jobs): run the job through SupervisorControl once jobs exist.
        throw new RequestException(ErrorCode.UNKNOWN_COMMAND, "cannot run job " + name + ": no jobs configured");
    }
}
