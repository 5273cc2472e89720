package dev.svd.control;

import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One request being answered: who asked, and the way back to them (item lines now, the final line
 * when the handler returns). Used by the connection thread; {@link Follower#offer} from any thread.
 */
final class Exchange {
    private final String requestId;
    private final Peer peer;
    private final Connection connection;
    private final ExecutorService watchers;
    private final int backlog;

    Exchange(String requestId, Peer peer, Connection connection, ExecutorService watchers, int backlog) {
        this.requestId = requestId;
        this.peer = peer;
        this.connection = connection;
        this.watchers = watchers;
        this.backlog = backlog;
    }

    Peer peer() {
        return peer;
    }

    /** Sends one stream item now. */
    void item(JsonObject item) throws IOException {
        connection.send(Response.item(requestId, item));
    }

    /** A queue that engine callbacks may fill without blocking; {@link Follower#pump} sends it. */
    Follower follower() {
        return new Follower();
    }

    /**
     * Items offered by engine threads (which must never block, so offering only enqueues), sent to
     * the client by the connection thread in {@link #pump}, until the client hangs up, the server
     * closes, or the client falls {@code backlog} items behind.
     */
    final class Follower {
        private final Object closedMark = new Object();
        private final Object overflowMark = new Object();
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final AtomicInteger queued = new AtomicInteger();

        void offer(JsonObject item) {
            if (queued.incrementAndGet() > backlog) {
                queue.offer(overflowMark);
            } else {
                queue.offer(item);
            }
        }

        /**
         * Sends queued items that pass {@code keep} until the stream ends. Returns normally when the
         * client hung up; throws BUSY when it fell behind.
         */
        void pump(Predicate<JsonObject> keep) throws InterruptedException, IOException, RequestException {
            // Nothing more is read from the client during a stream; a watcher notices its hang-up.
            // The watcher consumes the client's input, so the stream is the connection's last answer.
            connection.closeAfterAnswer();
            watchers.execute(() -> {
                connection.awaitHangUp();
                queue.offer(closedMark);
            });
            while (true) {
                Object next = queue.take();
                if (next == closedMark) {
                    return;
                }
                if (next == overflowMark) {
                    throw new RequestException(ErrorCode.BUSY, "client fell " + backlog
                            + " items behind the stream; stream ended (read faster, or ask for fewer)");
                }
                queued.decrementAndGet();
                JsonObject item = (JsonObject) next;
                if (keep.test(item)) {
                    item(item);
                }
            }
        }
    }
}
