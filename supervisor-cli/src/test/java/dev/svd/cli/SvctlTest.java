package dev.svd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** svctl's command-line handling up to the point where it would connect. No sockets. */
class SvctlTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Svctl.run(args, null, null, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noCommandPrintsUsageOnStderrAndExits2() {
        assertThat(run()).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).startsWith("usage: svctl [--socket PATH] COMMAND");
        assertThat(out()).isEmpty();
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(run("help")).isZero();
        for (String c : dev.svd.cli.command.Commands.NAMES) {
            assertThat(out()).contains("\n  " + c);
        }
    }

    @Test
    void helpOnACommandShowsItsUsage() {
        assertThat(run("logs", "--help")).isZero();
        assertThat(out()).startsWith("usage: svctl logs NAME... [--since T] [--until T] [--grep RE] [-n N] [-f] [--stdout|--stderr] [-t] [--json]\n");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).isEqualTo("svctl: unknown command \"frobnicate\" (svctl help lists them)\n");
    }

    @Test
    void badOptionIsAUsageErrorWithTheSynopsis() {
        assertThat(run("status", "--jsn")).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).isEqualTo("svctl: status: unknown option --jsn\n"
                + "svctl: usage: svctl status [NAME...] [--json] (svctl help status)\n");
    }

    @Test
    void missingArgumentsAreCaughtBeforeConnecting() {
        assertThat(run("--socket", "/nonexistent/svd.sock", "start")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("--socket", "/nonexistent/svd.sock", "signal", "web")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("--socket", "/nonexistent/svd.sock", "stop", "web", "--timeout", "soon")).isEqualTo(ExitCodes.USAGE);
        assertThat(err()).contains("--timeout: expected a duration such as 500ms");
    }

    @Test
    void missingSocketExits69WithTheReason() {
        assertThat(run("--socket=/nonexistent/svd.sock", "status")).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err()).isEqualTo("svctl: cannot reach svd at /nonexistent/svd.sock (no such socket): is it running?\n");
    }

    @Test
    void socketComesFromTheEnvironmentWhenNotGiven() {
        int code = Svctl.run(new String[] {"status"}, "/nonexistent/env.sock", null, false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err()).contains("/nonexistent/env.sock");
    }

    @Test
    void completionScriptsNameEveryCommand() {
        assertThat(run("completion", "bash")).isZero();
        assertThat(out()).contains("complete -F _svctl svctl", "status start stop restart");
        out.reset();
        assertThat(run("completion", "zsh")).isZero();
        assertThat(out()).startsWith("#compdef svctl").contains("'shutdown:");
        assertThat(run("completion", "fish")).isEqualTo(ExitCodes.USAGE);
    }
}
