package dev.svd.cli.client;

import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.ProtocolException;
import dev.svd.protocol.Request;
import dev.svd.protocol.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One connection to svd's control socket, for one svctl run: send a request, read item lines and
 * the final line. Single-threaded; close it when done.
 */
public final class SvdClient implements AutoCloseable {
    /** Receives the item lines of a streaming answer. */
    public interface ItemSink {
        void item(JsonObject item);
    }

    private final Path socket;
    private final SocketChannel channel;
    private final BufferedReader in;
    private int nextId = 1;

    private SvdClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /** Connects at once; fails fast with the reason when nothing listens. */
    public static SvdClient connect(Path socket) throws UnreachableException {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new SvdClient(socket, ch);
        } catch (IOException e) {
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
    public Response call(String cmd, JsonObject args) throws IOException {
        return stream(cmd, args, null);
    }

    /** Sends a request, passes each item line to {@code sink}, and returns the final line. */
    public Response stream(String cmd, JsonObject args, ItemSink sink) throws IOException {
        String id = Integer.toString(nextId++);
        ByteBuffer out = ByteBuffer.wrap(new Request(id, cmd, args).toLine().getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        while (true) {
            String line = in.readLine();
            if (line == null) {
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
                sink.item(r.item());
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
