package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonSyntaxException;
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
import java.util.Optional;

/**
 * The ITs' side of svd's control socket (protocol.md): one request per connection, the answer as
 * parsed JSON, without a svctl JVM per call, so a test can ask often while it waits. Stateless.
 */
public record SvdSocket(Path path) {
    /** The result of a request that must succeed (a renewal's or a run's result unwrapped). */
    public JsonObject call(String cmd, JsonObject args) throws IOException {
        JsonObject answer = request(cmd, args);
        assertThat(answer.boolOr("ok", false)).as(answer.toString()).isTrue();
        JsonObject result = answer.object("result");
        return result.get("result") instanceof JsonObject inner ? inner : result;
    }

    /** The error of a request that must fail. */
    public JsonObject failure(String cmd, JsonObject args) throws IOException {
        JsonObject answer = request(cmd, args);
        assertThat(answer.boolOr("ok", true)).as(answer.toString()).isFalse();
        return answer.object("error");
    }

    public JsonObject request(String cmd, JsonObject args) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            ch.write(ByteBuffer.wrap(new Request("1", cmd, args).toLine().getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            return parse(in.readLine());
        }
    }

    private static JsonObject parse(String line) throws IOException {
        if (line == null) {
            throw new IOException("svd closed the connection without an answer");
        }
        try {
            return (JsonObject) JsonParser.parse(line);
        } catch (JsonSyntaxException e) {
            throw new IOException("svd's answer is no JSON: " + line, e);
        }
    }

    /** The certificate {@code name} of the {@code certs} answer. */
    public JsonObject certificate(String name) throws IOException {
        return findCertificate(name).orElseThrow(() -> new AssertionError("no certificate \"" + name + "\" in svd's certs"));
    }

    public Optional<JsonObject> findCertificate(String name) throws IOException {
        JsonArray list = call("certs", JsonObject.EMPTY).array("certificates");
        return list.items().stream().map(JsonObject.class::cast).filter(c -> name.equals(c.string("name"))).findFirst();
    }

    /** Whether certificate {@code name} has a result of its first run (issuance or failure) since svd started. */
    public boolean hasResult(String name) {
        try {
            return findCertificate(name).filter(c -> c.get("last_result") instanceof JsonObject).isPresent();
        } catch (IOException notYet) { // svd not listening yet
            return false;
        }
    }

    /** The recent events (a streamed answer: items, then the result line). */
    public List<JsonObject> events() throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            JsonObject args = parse("{\"limit\":200}");
            ch.write(ByteBuffer.wrap(new Request("1", "events", args).toLine().getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            List<JsonObject> items = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonObject o = parse(line);
                if (o.get("item") instanceof JsonObject item) {
                    items.add(item);
                } else {
                    break;
                }
            }
            return items;
        }
    }
}
