package dev.svd.control;

import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import java.util.List;

/** {@code jobs}: scheduled jobs and their next run. None exist yet, so the list is empty. */
final class JobsHandler implements RequestHandler {
    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        // TODO(issue: scheduled jobs): list jobs once the schedule package exists.
        return JsonObject.builder().put("jobs", new JsonArray(List.of())).build();
    }
}
