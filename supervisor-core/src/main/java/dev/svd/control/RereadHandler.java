package dev.svd.control;

import dev.svd.engine.ConfigChange;
import dev.svd.engine.ConfigControl;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;

/**
 * {@code reread}: what an update would change (added, removed, changed, unchanged), changing
 * nothing; an invalid config is CONFIG_INVALID with one detail per problem.
 */
final class RereadHandler implements RequestHandler {
    private final ConfigControl control;

    RereadHandler(ConfigControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException {
        return answer(control.reread());
    }

    static JsonObject answer(ConfigChange change) throws RequestException {
        if (!change.valid()) {
            throw new RequestException(ErrorCode.CONFIG_INVALID, "configuration has " + change.problems().size()
                    + " problem" + (change.problems().size() == 1 ? "" : "s") + "; nothing changed", change.problems());
        }
        return SnapshotJson.change(change);
    }
}
