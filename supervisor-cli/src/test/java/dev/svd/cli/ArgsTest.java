package dev.svd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static final String[] VALUES = {"-n", "--timeout"};
    private static final String[] FLAGS = {"-f", "--json"};

    private static Args parse(String... tokens) throws UsageException {
        return Args.parse(List.of(tokens), VALUES, FLAGS, "cmd");
    }

    @Test
    void optionsAndPositionalsMixInAnyOrder() throws Exception {
        Args a = parse("web", "-n", "5", "--json", "db", "--timeout=10s", "-f");
        assertThat(a.positionals()).containsExactly("web", "db");
        assertThat(a.intValue("-n", 10, 100, "cmd")).isEqualTo(5);
        assertThat(a.value("--timeout")).isEqualTo("10s");
        assertThat(a.flag("--json")).isTrue();
        assertThat(a.flag("-f")).isTrue();
    }

    @Test
    void shortValueMayBeAttached() throws Exception {
        assertThat(parse("-n25").intValue("-n", 0, 100, "cmd")).isEqualTo(25);
    }

    @Test
    void doubleDashEndsOptions() throws Exception {
        assertThat(parse("--", "-f", "--json").positionals()).containsExactly("-f", "--json");
    }

    @Test
    void aLoneDashIsAPositional() throws Exception {
        assertThat(parse("-").positionals()).containsExactly("-");
    }

    @Test
    void mistakesAreUsageErrorsThatNameTheOption() {
        assertThatThrownBy(() -> parse("--bogus")).hasMessage("cmd: unknown option --bogus");
        assertThatThrownBy(() -> parse("-n")).hasMessage("cmd: option -n needs a value");
        assertThatThrownBy(() -> parse("--json=yes")).hasMessage("cmd: option --json takes no value");
        assertThatThrownBy(() -> parse("-n", "x").intValue("-n", 0, 100, "cmd"))
                .hasMessage("cmd: -n expects a number from 0 to 100 (was \"x\")");
        assertThatThrownBy(() -> parse("-n", "101").intValue("-n", 0, 100, "cmd"))
                .hasMessage("cmd: -n expects a number from 0 to 100 (was 101)");
        assertThatThrownBy(() -> parse("a", "b").expectPositionals(1, "one service name", "cmd"))
                .hasMessage("cmd: expected one service name (got 2 arguments)");
    }
}
