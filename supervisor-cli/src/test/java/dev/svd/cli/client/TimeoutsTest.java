package dev.svd.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.svd.cli.UsageException;
import dev.svd.protocol.JsonObject;
import org.junit.jupiter.api.Test;

/** How long svctl waits for svd (docs/svctl.md, timeouts; issue 12). */
class TimeoutsTest {
    private static final JsonObject NONE = JsonObject.EMPTY;

    @Test
    void withoutSvctlTimeoutAQuickRequestWaits25sAndConnecting5s() throws Exception {
        Timeouts t = Timeouts.fromEnv(null);
        assertThat(t).isEqualTo(Timeouts.fromEnv(""));
        assertThat(t.connectMillis()).isEqualTo(5_000);
        assertThat(t.replyMillis("status", NONE)).isEqualTo(25_000);
        assertThat(t.describeReply("status", NONE)).isEqualTo("25s (svctl's default)");
    }

    @Test
    void svctlTimeoutSetsTheReplyWaitAndCapsTheConnectWait() throws Exception {
        Timeouts t = Timeouts.fromEnv("1s");
        assertThat(t.replyMillis("logs", NONE)).isEqualTo(1_000);
        assertThat(t.connectMillis()).isEqualTo(1_000);
        assertThat(t.describeReply("logs", NONE)).isEqualTo("1s (SVCTL_TIMEOUT)");
        assertThat(Timeouts.fromEnv("2m").connectMillis()).isEqualTo(5_000);
        assertThatThrownBy(() -> Timeouts.fromEnv("soon")).isInstanceOf(UsageException.class)
                .hasMessage("SVCTL_TIMEOUT: expected a duration such as 500ms, 10s, 2m or 1h (was \"soon\")");
    }

    @Test
    void anActionWaitsForItsOwnTimeoutPlusAMargin() throws Exception {
        Timeouts t = Timeouts.fromEnv(null);
        JsonObject tenMinutes = JsonObject.builder().put("timeout_ms", 600_000).build();
        assertThat(t.replyMillis("restart", tenMinutes)).isEqualTo(605_000);
        assertThat(t.describeReply("restart", tenMinutes)).isEqualTo("605s (--timeout 600s + 5s)");
        // without --timeout svd waits its default 60 s
        assertThat(t.replyMillis("start", NONE)).isEqualTo(65_000);
        assertThat(t.describeReply("start", NONE)).isEqualTo("65s (svd's own limit for start + 5s)");
        assertThat(t.replyMillis("update", NONE)).isEqualTo(305_000);
        // a short --timeout never waits less than a quick request
        assertThat(t.replyMillis("stop", JsonObject.builder().put("timeout_ms", 1).build())).isEqualTo(25_000);
    }

    @Test
    void followedStreamsAndJobRunsWaitWithoutLimit() throws Exception {
        Timeouts t = Timeouts.fromEnv("1s");
        assertThat(t.replyMillis("logs", JsonObject.builder().put("follow", true).build())).isZero();
        assertThat(t.replyMillis("events", JsonObject.builder().put("follow", true).build())).isZero();
        assertThat(t.replyMillis("run", NONE)).isZero();
    }
}
