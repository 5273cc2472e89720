package dev.svd.control;

import dev.svd.protocol.CommandName;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonTypeException;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.ProtocolException;
import dev.svd.protocol.Request;
import dev.svd.protocol.Response;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads request lines, authorizes, dispatches to a handler, writes the
 * answer, audits changes. Runs on one pooled thread; {@link #send} may also be called by a
 * stream's sender, so writes are serialised; the timer thread only shuts the input or closes.
 */
final class Connection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    /** Audit lines go to their own logger so they can be routed apart; the format is a contract. */
    private static final Logger audit = LoggerFactory.getLogger("dev.svd.control.audit");

    /** The command label of a line that is not a request for a known command (RequestCounter). */
    private static final String UNKNOWN = "unknown";

    private final SocketChannel channel;
    private final Peer peer;
    private final AuthorizationPolicy policy;
    private final ControlLimits limits;
    private final Map<CommandName, RequestHandler> handlers;
    private final ScheduledExecutorService timer;
    private final ExecutorService watchers;
    private final Runnable onClose;
    private final RequestCounter requests;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean lastAnswer;
    private volatile boolean timedOut;

    Connection(SocketChannel channel, Peer peer, AuthorizationPolicy policy, ControlLimits limits,
               Map<CommandName, RequestHandler> handlers, ScheduledExecutorService timer,
               ExecutorService watchers, RequestCounter requests, Runnable onClose) {
        this.channel = channel;
        this.peer = peer;
        this.policy = policy;
        this.limits = limits;
        this.handlers = handlers;
        this.timer = timer;
        this.watchers = watchers;
        this.onClose = onClose;
        this.requests = requests;
    }

    @Override
    public void run() {
        LineReader reader = new LineReader(channel, limits.maxRequestBytes());
        try {
            while (channel.isOpen()) {
                // One deadline for a whole request: blank lines and dribbled bytes do not restart it,
                // so a client cannot hold its slot by sending a newline now and then.
                ScheduledFuture<?> deadline = arm(this::requestTimedOut, limits.requestTimeout());
                byte[] bytes;
                try {
                    do {
                        bytes = reader.readLine();
                    } while (bytes != null && isBlank(bytes));
                } finally {
                    deadline.cancel(false);
                }
                if (timedOut) {
                    tellTimedOut();
                    return;
                }
                if (bytes == null) {
                    return;
                }
                if (!serve(bytes)) {
                    return;
                }
            }
        } catch (LineReader.TooLargeException e) {
            log.warn("control: {} sent a request line over {} bytes; closing", peer, limits.maxRequestBytes());
            trySend(Response.error(null, ErrorCode.TOO_LARGE, e.getMessage() + "; connection closed"));
        } catch (EOFException e) {
            if (timedOut) {
                tellTimedOut();
            } else {
                log.debug("control: {} hung up mid-request", peer);
            }
        } catch (ClosedChannelException e) {
            log.debug("control: connection of {} closed", peer);
        } catch (IOException e) {
            log.debug("control: connection of {} failed: {}", peer, e.toString());
        } finally {
            close();
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Answers one line; false when the connection should end. */
    private boolean serve(byte[] bytes) throws IOException {
        String line;
        try {
            line = LineReader.decode(bytes);
        } catch (CharacterCodingException e) {
            answer(UNKNOWN, Response.error(null, ErrorCode.BAD_REQUEST, "request line is not valid UTF-8"));
            return true;
        }
        Request request;
        try {
            request = Request.parse(line);
        } catch (ProtocolException e) {
            answer(UNKNOWN, Response.error(e.requestId(), e.code(), e.getMessage()));
            return true;
        }
        CommandName command = CommandName.lookup(request.cmd());
        if (command == null) {
            answer(UNKNOWN, Response.error(request.id(), ErrorCode.UNKNOWN_COMMAND, "unknown command \"" + request.cmd()
                    + "\" (known: " + knownCommands() + ")"));
            return true;
        }
        if (!allowed(command)) {
            log.warn("control: refused {} from user {} (group {}): {}", command.wireName(), peer.user(), peer.group(),
                    policy.describe());
            answer(command.wireName(), Response.error(request.id(), ErrorCode.PERMISSION_DENIED, "permission denied: user " + peer.user()
                    + " may not run " + command.wireName() + " (" + policy.describe() + ")"));
            return true;
        }
        Response response;
        try {
            response = dispatch(command, request);
        } catch (IOException e) {
            log.debug("control: {} went away during {}: {}", peer, command.wireName(), e.toString());
            return false;
        }
        if (command.mutating()) {
            audit.info("audit: {} cmd={} args={} outcome={}", peer.audit(), command.wireName(),
                    request.args().toJson(), outcome(response));
        }
        answer(command.wireName(), response);
        return !lastAnswer;
    }

    /** Counts the answer to a request for {@code command} by its outcome, then sends it. */
    private void answer(String command, Response response) throws IOException {
        requests.answered(command, response.ok() ? verdict(response.result())
                : response.error().code().name().toLowerCase(java.util.Locale.ROOT));
        send(response);
    }

    /** The current request is the connection's last: close after its final line (after a followed stream). */
    void closeAfterAnswer() {
        lastAnswer = true;
    }

    private Response dispatch(CommandName command, Request request) throws IOException {
        Exchange exchange = new Exchange(request.id(), peer, this, watchers, limits.followBacklog());
        try {
            return Response.result(request.id(), handlers.get(command).handle(request.args(), exchange));
        } catch (RequestException e) {
            return Response.error(request.id(), e.error());
        } catch (JsonTypeException e) {
            return Response.error(request.id(), ErrorCode.BAD_REQUEST, "args." + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.error(request.id(), ErrorCode.BUSY, "svd is shutting down the control socket");
        } catch (RuntimeException e) {
            String ref = ref();
            log.error("control: {} from {} failed (ref {})", command.wireName(), peer, ref, e);
            return Response.error(request.id(), ErrorCode.INTERNAL, "internal error; see svd's log (ref " + ref + ")");
        }
    }

    /** A short id to find a stack trace in svd's log from a client's error message. */
    static String ref() {
        return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    }

    private boolean allowed(CommandName command) {
        AuthorizationPolicy.Access access = policy.accessOf(peer);
        return access == AuthorizationPolicy.Access.FULL
                || (access == AuthorizationPolicy.Access.READ_ONLY && command.readOnly());
    }

    private static String outcome(Response response) {
        if (!response.ok()) {
            ProtocolError e = response.error();
            return e.rawCode() + " " + e.message();
        }
        String result = response.result().toJson();
        return verdict(response.result()) + " " + (result.length() > 500 ? result.substring(0, 500) + "..." : result);
    }

    /**
     * A request can succeed while what it asked for did not (a start that timed out, a job run that
     * failed): {@code ok} only if every per-service result (and the result itself) says ok,
     * {@code failed} if none does, {@code partial} in between, so grepping the audit for
     * {@code outcome=ok} finds only what worked.
     */
    private static String verdict(JsonObject result) {
        if (!result.boolOr("ok", true)) {
            return "failed";
        }
        if (!(result.get("results") instanceof JsonArray results) || results.size() == 0) {
            return "ok";
        }
        long ok = results.items().stream().filter(r -> r instanceof JsonObject o && o.boolOr("ok", false)).count();
        return ok == results.size() ? "ok" : ok == 0 ? "failed" : "partial";
    }

    private static String knownCommands() {
        StringBuilder sb = new StringBuilder();
        for (CommandName c : CommandName.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.wireName());
        }
        return sb.toString();
    }

    /**
     * The request deadline ran out (timer thread). Only ends the reading: the connection thread,
     * woken by the end of input, says why and closes, so the timer thread never blocks in a write.
     */
    private void requestTimedOut() {
        timedOut = true;
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            close();
        }
    }

    private void tellTimedOut() {
        String within = human(limits.requestTimeout());
        log.info("control: {} sent no complete request within {}; closing", peer, within);
        trySend(Response.error(null, ErrorCode.TIMEOUT, "no complete request within " + within + "; connection closed"));
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    /**
     * Writes one line. A client that does not read fills the socket's buffer and would hold this
     * thread in the write for ever: past the write timeout the timer closes the connection, which
     * ends the write with an exception.
     */
    void send(Response response) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(response.toLine().getBytes(StandardCharsets.UTF_8));
        synchronized (writeLock) {
            ScheduledFuture<?> deadline = arm(this::writeTimedOut, limits.writeTimeout());
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } finally {
                deadline.cancel(false);
            }
        }
    }

    /** Schedules a deadline; once the server closed (its timer stopped), the connection is over too. */
    private ScheduledFuture<?> arm(Runnable expiry, Duration after) throws ClosedChannelException {
        try {
            return timer.schedule(expiry, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            close();
            throw new ClosedChannelException();
        }
    }

    private void writeTimedOut() {
        log.info("control: {} did not read its answer within {}; closing", peer, human(limits.writeTimeout()));
        close();
    }

    private void trySend(Response response) {
        try {
            send(response);
        } catch (IOException e) {
            log.debug("control: could not tell {} ({})", peer, e.toString());
        }
    }

    /** Blocks until the client hangs up or the connection is closed, discarding anything it sends. */
    void awaitHangUp() {
        ByteBuffer sink = ByteBuffer.allocate(512);
        try {
            while (channel.read(sink) >= 0) {
                sink.clear();
            }
        } catch (IOException e) {
            log.debug("control: stream of {} ended: {}", peer, e.toString());
        }
    }

    /** Idempotent; also called from the server's close and the write deadline. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("control: closing the connection of {}: {}", peer, e.toString());
        } finally {
            onClose.run();
        }
    }
}
