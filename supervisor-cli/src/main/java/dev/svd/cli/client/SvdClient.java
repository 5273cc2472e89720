package dev.svd.cli.client;

import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.ProtocolException;
import dev.svd.protocol.Request;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One connection to svd's control socket, for one svctl run: send a request, read item lines and
 * the final line, each within its {@link Timeouts}. Single-threaded (its {@link Watchdog} only
 * closes the channel); close it when done.
 */
public final class SvdClient implements AutoCloseable {
    /** Receives the item lines of a streaming answer. */
    public interface ItemSink {
        void item(JsonObject item);
    }

    /** The environment variable naming one more user whose control socket svctl trusts (docs/svctl.md). */
    public static final String SOCKET_OWNER_ENV = "SVCTL_SOCKET_OWNER";

    private final Path socket;
    private final SocketChannel channel;
    private final Watchdog watchdog;
    private final Timeouts timeouts;
    private final LineInput in;
    private int nextId = 1;

    private SvdClient(Path socket, SocketChannel channel, Watchdog watchdog, Timeouts timeouts) {
        this.socket = socket;
        this.channel = channel;
        this.watchdog = watchdog;
        this.timeouts = timeouts;
        this.in = new LineInput(channel);
    }

    /** Connects with the default timeouts, trusting only sockets of root and of the caller. */
    public static SvdClient connect(Path socket) throws UnreachableException {
        return connect(socket, Timeouts.DEFAULT, null);
    }

    /**
     * Checks who owns the socket, then connects within {@code timeouts.connectMillis()}; fails fast
     * with the reason when nothing listens.
     *
     * @param trustedOwner one more user (name or uid) whose socket is svd's, or null
     */
    public static SvdClient connect(Path socket, Timeouts timeouts, String trustedOwner) throws UnreachableException {
        checkOwner(socket, trustedOwner);
        SocketChannel ch = null;
        Watchdog watchdog = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            watchdog = new Watchdog(ch);
            watchdog.arm(timeouts.connectMillis());
            watchdog.start();
            ch.connect(UnixDomainSocketAddress.of(socket));
            watchdog.arm(0);
            return new SvdClient(socket, ch, watchdog, timeouts);
        } catch (IOException e) {
            if (watchdog != null) {
                watchdog.finish();
                if (watchdog.fired()) {
                    throw UnreachableException.timedOut(socket, "accept the connection",
                            Timeouts.text(timeouts.connectMillis()));
                }
            }
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing with the connect error, which is the one worth reporting
                }
            }
            throw new UnreachableException(socket, reason(e));
        }
    }

    /**
     * Refuses a socket that neither root nor the caller (nor {@code trustedOwner}) owns: anyone who
     * can create a file where svctl looks could otherwise pose as svd, read what svctl sends and
     * answer what it likes. svd creates its socket as the user it runs as (docs/daemon.md). A socket
     * that cannot be examined is left to connect(2) to report.
     */
    static void checkOwner(Path socket, String trustedOwner) throws UnreachableException {
        int owner;
        int me;
        try {
            owner = (Integer) Files.getAttribute(socket, "unix:uid");
            if (owner == 0) {
                return;
            }
            // /proc/self belongs to the process's effective uid (proc(5)): no JNI needed to learn it.
            me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        if (owner == me) {
            return;
        }
        String name;
        try {
            name = Files.getOwner(socket).getName();
        } catch (IOException e) {
            name = Integer.toString(owner);
        }
        if (trustedOwner != null && (trustedOwner.equals(name) || trustedOwner.equals(Integer.toString(owner)))) {
            return;
        }
        throw UnreachableException.untrusted(socket, name, owner, me);
    }

    /** The words of connect(2)'s errno, as the JDK passes them on in the message. */
    static String reason(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("No such file") || m.contains("Not a directory")) {
            return "no such socket";
        }
        if (m.contains("Connection refused")) {
            return "connection refused";
        }
        if (m.contains("Permission denied")) {
            return "permission denied";
        }
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /** Sends a request and returns the final answer, ignoring item lines. */
    public Response call(String cmd, JsonObject args) throws IOException, UnreachableException {
        return stream(cmd, args, null);
    }

    /**
     * Sends a request, passes each item line to {@code sink}, and returns the final line. svd must
     * send each line within the request's reply timeout ({@link Timeouts#replyMillis}); the time
     * {@code sink} takes (a slow pager on stdout) does not count.
     * When the write fails, svd's answer is still read: svd may refuse a connection (BUSY) and
     * close it before reading the request, and that answer, not the broken pipe, is the news.
     */
    public Response stream(String cmd, JsonObject args, ItemSink sink) throws IOException, UnreachableException {
        long reply = timeouts.replyMillis(cmd, args);
        watchdog.arm(reply);
        try {
            return exchange(cmd, args, sink, reply);
        } catch (IOException e) {
            if (watchdog.fired()) {
                throw UnreachableException.timedOut(socket, "answer " + cmd, timeouts.describeReply(cmd, args));
            }
            throw e;
        } finally {
            watchdog.arm(0);
        }
    }

    private Response exchange(String cmd, JsonObject args, ItemSink sink, long reply) throws IOException {
        String id = Integer.toString(nextId++);
        ByteBuffer out = ByteBuffer.wrap(new Request(id, cmd, args).toLine().getBytes(StandardCharsets.UTF_8));
        IOException writeFailed = null;
        try {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            if (watchdog.fired()) {
                throw e;
            }
            writeFailed = e;
        }
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                if (writeFailed != null) {
                    writeFailed.addSuppressed(e);
                    throw writeFailed;
                }
                throw e;
            }
            if (line == null) {
                if (writeFailed != null) {
                    throw writeFailed;
                }
                return Response.error(id, ProtocolError.of(ErrorCode.FAILED,
                        "svd at " + socket + " closed the connection without an answer"));
            }
            Response r;
            try {
                r = Response.parse(line);
            } catch (ProtocolException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (r.isFinal()) {
                return r;
            }
            if (sink != null) {
                watchdog.arm(0);
                sink.item(r.item());
                watchdog.arm(reply);
            }
        }
    }

    @Override
    public void close() throws IOException {
        watchdog.finish();
        channel.close();
    }
}
