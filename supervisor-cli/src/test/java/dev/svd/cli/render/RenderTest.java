package dev.svd.cli.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.svd.cli.ExitCodes;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.ProtocolError;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderTest {

    @Test
    void everyErrorCodeHasARowInTheTable() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorTable.entry(c).code()).isEqualTo(c);
        }
    }

    @Test
    void errorCodesMapToTheDocumentedExitCodes() {
        assertThat(ErrorTable.entry(ErrorCode.NO_SUCH_SERVICE).exitCode()).isEqualTo(ExitCodes.UNKNOWN_SERVICE);
        assertThat(ErrorTable.entry(ErrorCode.NOT_RUNNING).exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(ErrorTable.entry(ErrorCode.BAD_REQUEST).exitCode()).isEqualTo(ExitCodes.USAGE);
        for (ErrorCode c : List.of(ErrorCode.TIMEOUT, ErrorCode.FAILED, ErrorCode.SPAWN_FAILED, ErrorCode.INTERNAL,
                ErrorCode.PERMISSION_DENIED, ErrorCode.CONFIG_INVALID, ErrorCode.BUSY, ErrorCode.UNKNOWN_COMMAND)) {
            assertThat(ErrorTable.entry(c).exitCode()).as(c.name()).isEqualTo(ExitCodes.FAILED);
        }
        assertThat(ErrorTable.entry(null).exitCode()).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void messageHasPrefixDetailsAndHint() {
        String m = ErrorTable.message(ProtocolError.of(ErrorCode.CONFIG_INVALID, "configuration has 1 problem",
                List.of("/etc/svd/svd.conf:3: bad")));
        assertThat(m).isEqualTo("svctl: configuration has 1 problem\n"
                + "svctl:   /etc/svd/svd.conf:3: bad\n"
                + "svctl: hint: fix the configuration, then svctl update again\n");
    }

    @Test
    void unknownCodeIsShownRaw() {
        assertThat(ErrorTable.message(new ProtocolError(null, "QUOTA", "over quota", null)))
                .isEqualTo("svctl: over quota [QUOTA]\n");
    }

    @Test
    void durationsParseAndFormat() throws Exception {
        assertThat(Durations.parseMillis("500ms", "t")).isEqualTo(500);
        assertThat(Durations.parseMillis("10s", "t")).isEqualTo(10_000);
        assertThat(Durations.parseMillis("10", "t")).isEqualTo(10_000);
        assertThat(Durations.parseMillis("2m", "t")).isEqualTo(120_000);
        assertThat(Durations.parseMillis("1h", "t")).isEqualTo(3_600_000);
        assertThatThrownBy(() -> Durations.parseMillis("ten", "--timeout"))
                .hasMessage("--timeout: expected a duration such as 500ms, 10s, 2m or 1h (was \"ten\")");
        assertThatThrownBy(() -> Durations.parseMillis("0s", "t")).hasMessageContaining("(was \"0s\")");
        assertThat(Durations.formatSeconds(42)).isEqualTo("42s");
        assertThat(Durations.formatSeconds(192)).isEqualTo("3m12s");
        assertThat(Durations.formatSeconds(7500)).isEqualTo("2h05m");
        assertThat(Durations.formatSeconds(3 * 86400 + 4 * 3600)).isEqualTo("3d4h");
        assertThat(Durations.formatMillis(2345)).isEqualTo("2.3s");
    }

    @Test
    void tableAlignsColumnsIgnoringColour() {
        Style colour = new Style(true);
        Table t = new Table("NAME", "STATE");
        t.row("web", colour.state("running"));
        t.row("database", "stopped");
        assertThat(t.render()).isEqualTo("NAME      STATE\n"
                + "web       \u001b[32mrunning\u001b[0m\n"
                + "database  stopped\n");
    }

    @Test
    void colourOnlyOnATerminalWithoutNoColor() {
        assertThat(Style.detect(null, true).enabled()).isTrue();
        assertThat(Style.detect("", true).enabled()).isTrue();
        assertThat(Style.detect("1", true).enabled()).isFalse();
        assertThat(Style.detect(null, false).enabled()).isFalse();
        assertThat(new Style(false).state("failed")).isEqualTo("failed");
    }
}
