package dev.svd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTest {

    @Test
    void requestRoundTripsThroughItsLine() throws Exception {
        Request r = new Request("7", "status", JsonObject.builder().putStrings("names", List.of("web")).build());
        assertThat(r.toLine()).isEqualTo("{\"v\":1,\"id\":\"7\",\"cmd\":\"status\",\"args\":{\"names\":[\"web\"]}}\n");
        assertThat(Request.parse(r.toLine().trim())).isEqualTo(r);
    }

    @Test
    void requestWithoutArgsHasEmptyArgs() throws Exception {
        assertThat(Request.parse("{\"v\":1,\"id\":\"1\",\"cmd\":\"version\"}").args()).isEqualTo(JsonObject.EMPTY);
    }

    @Test
    void malformedRequestIsBadRequestWithPosition() {
        assertThatThrownBy(() -> Request.parse("{\"v\":1,\"id\":\"1\",\"cmd\":"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("malformed JSON: unexpected end of input, expected a value at column 23");
                });
    }

    @Test
    void wrongVersionKeepsTheIdForTheAnswer() {
        assertThatThrownBy(() -> Request.parse("{\"v\":2,\"id\":\"abc\",\"cmd\":\"status\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.requestId()).isEqualTo("abc");
                    assertThat(e.getMessage()).isEqualTo("\"v\": unsupported protocol version 2 (this svd speaks 1)");
                });
    }

    @Test
    void requestShapeErrorsNameTheMember() {
        assertThatThrownBy(() -> Request.parse("[1]")).hasMessage("a request is a JSON object (was an array)");
        assertThatThrownBy(() -> Request.parse("{\"id\":\"1\",\"cmd\":\"x\"}")).hasMessageStartingWith("\"v\": required");
        assertThatThrownBy(() -> Request.parse("{\"v\":1,\"id\":\"1\"}")).hasMessage("\"cmd\": required string is missing");
        assertThatThrownBy(() -> Request.parse("{\"v\":1,\"id\":1,\"cmd\":\"x\"}")).hasMessage("\"id\": expected a string (was a number)");
        assertThatThrownBy(() -> Request.parse("{\"v\":1,\"cmd\":\"x\",\"args\":[]}")).hasMessage("\"args\": expected an object (was an array)");
        assertThatThrownBy(() -> Request.parse("{\"v\":1,\"cmd\":\"x\",\"extra\":1}"))
                .hasMessage("\"extra\": unknown request member (expected v, id, cmd, args)");
        assertThatThrownBy(() -> Request.parse("{\"v\":1,\"id\":\"" + "x".repeat(129) + "\",\"cmd\":\"x\"}"))
                .hasMessage("\"id\": longer than 128 characters");
    }

    @Test
    void responsesRoundTrip() throws Exception {
        Response ok = Response.result("1", JsonObject.builder().put("a", 1).build());
        Response item = Response.item("1", JsonObject.builder().put("line", "x").build());
        Response err = Response.error("1", ProtocolError.of(ErrorCode.CONFIG_INVALID, "2 problems", List.of("a", "b")));
        assertThat(ok.toLine()).isEqualTo("{\"v\":1,\"id\":\"1\",\"ok\":true,\"result\":{\"a\":1}}\n");
        assertThat(item.toLine()).isEqualTo("{\"v\":1,\"id\":\"1\",\"ok\":true,\"item\":{\"line\":\"x\"}}\n");
        assertThat(err.toLine()).isEqualTo("{\"v\":1,\"id\":\"1\",\"ok\":false,\"error\":{\"code\":\"CONFIG_INVALID\","
                + "\"message\":\"2 problems\",\"details\":[\"a\",\"b\"]}}\n");
        for (Response r : List.of(ok, item, err)) {
            assertThat(Response.parse(r.toLine().trim())).isEqualTo(r);
        }
        assertThat(item.isFinal()).isFalse();
        assertThat(ok.isFinal()).isTrue();
        assertThat(err.isFinal()).isTrue();
    }

    @Test
    void unknownErrorCodeFromANewerSvdIsKeptRaw() throws Exception {
        Response r = Response.parse("{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"QUOTA\",\"message\":\"m\"}}");
        assertThat(r.error().code()).isNull();
        assertThat(r.error().rawCode()).isEqualTo("QUOTA");
    }

    @Test
    void everyCommandHasAUniqueWireNameAndMutatingOnesAreNotReadOnly() {
        for (CommandName c : CommandName.values()) {
            assertThat(CommandName.lookup(c.wireName())).isSameAs(c);
            assertThat(c.mutating() && c.readOnly()).isFalse();
        }
        assertThat(CommandName.lookup("STATUS")).isNull();
    }
}
