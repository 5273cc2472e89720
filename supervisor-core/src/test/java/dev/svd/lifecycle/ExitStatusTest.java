package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The exit status text operators read, which must not confuse "exit 9" with SIGKILL. */
class ExitStatusTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "false, 0,   exited 0,          true",
        "false, 9,   exited 9,          false",
        "true,  9,   killed by SIGKILL, false",
        "false, 143, exited 143,        false",
        "true,  15,  killed by SIGTERM, false",
        "true,  3,   killed by SIGQUIT, false",
        "true,  11,  killed by SIGSEGV, false",
        "true,  6,   killed by SIGABRT, false",
        "true,  40,  killed by signal 40, false",
    })
    void toStringTellsAnExitCodeFromASignal(boolean bySignal, int value, String text, boolean success) {
        ExitStatus status = bySignal ? ExitStatus.killed(value, AT) : ExitStatus.exited(value, AT);

        assertThat(status).hasToString(text);
        assertThat(status.success()).isEqualTo(success);
        assertThat(status.at()).isEqualTo(AT);
    }
}
