package dev.svd.control;

import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A test client that can send anything, including garbage, and reads answers line by line. */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private int nextId;

    private RawClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    static RawClient connect(Path socket) throws IOException {
        return new RawClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void sendLine(String line) throws IOException {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The next line as JSON, or null when the server closed the connection. */
    JsonObject read() throws Exception {
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            return null; // connection reset by the server
        }
        return line == null ? null : (JsonObject) JsonParser.parse(line);
    }

    /** Sends a request; returns its item lines followed by the final line. */
    List<JsonObject> request(String cmd, JsonObject args) throws Exception {
        String id = "t" + (++nextId);
        sendRaw(new Request(id, cmd, args).toLine().getBytes(StandardCharsets.UTF_8));
        List<JsonObject> lines = new ArrayList<>();
        while (true) {
            JsonObject o = read();
            if (o == null) {
                throw new IOException("server closed the connection during " + cmd + " after " + lines);
            }
            if (!id.equals(o.string("id"))) {
                throw new AssertionError("answer for another request: " + o);
            }
            lines.add(o);
            if (!o.has("item")) {
                return lines;
            }
        }
    }

    /** The final line of a request. */
    JsonObject call(String cmd, JsonObject args) throws Exception {
        List<JsonObject> lines = request(cmd, args);
        return lines.get(lines.size() - 1);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
