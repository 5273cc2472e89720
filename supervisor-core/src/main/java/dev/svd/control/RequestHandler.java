package dev.svd.control;

import dev.svd.protocol.JsonObject;
import java.io.IOException;

/**
 * Answers one request type. Handlers hold no service state: they call the ports of the engine
 * and the job scheduler and await their futures. Called on a connection thread; one call per request.
 */
interface RequestHandler {
    /**
     * @return the final result (item lines, if any, were already sent through {@code exchange})
     * @throws RequestException for a refusal the client should see
     * @throws dev.svd.protocol.JsonTypeException for a malformed {@code args} member (BAD_REQUEST)
     * @throws IOException when the client went away while items were sent
     */
    JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException, IOException;
}
