package dev.svd.control;

import dev.svd.engine.ServiceControl;
import dev.svd.engine.ServiceEvent;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import java.io.IOException;
import java.util.List;

/**
 * {@code events}: {@code {"limit":20,"follow":false}} sends the most recent state changes as items
 * (oldest first); with follow, keeps sending new ones until the client hangs up. It subscribes
 * before reading the recent ones and drops repeats by {@code seq}, so none is lost or doubled.
 */
final class EventsHandler implements RequestHandler {
    static final int MAX_LIMIT = 1000;

    private final ServiceControl control;

    EventsHandler(ServiceControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange)
            throws RequestException, InterruptedException, IOException {
        long limit = args.longOr("limit", 20);
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new RequestException(ErrorCode.BAD_REQUEST, "args.limit: expected 0.." + MAX_LIMIT + " (was " + limit + ")");
        }
        if (!args.boolOr("follow", false)) {
            List<ServiceEvent> recent = control.recentEvents((int) limit);
            for (ServiceEvent e : recent) {
                exchange.item(SnapshotJson.event(e));
            }
            return JsonObject.builder().put("events", recent.size()).build();
        }
        Exchange.Follower follower = exchange.follower();
        try (AutoCloseable sub = control.subscribe(e -> follower.offer(SnapshotJson.event(e)))) {
            long last = -1;
            for (ServiceEvent e : control.recentEvents((int) limit)) {
                exchange.item(SnapshotJson.event(e));
                last = e.seq();
            }
            long lastSent = last;
            follower.pump(item -> item.longOr("seq", Long.MAX_VALUE) > lastSent);
        } catch (RequestException | InterruptedException | IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the event subscription failed", e);
        }
        return JsonObject.EMPTY;
    }
}
