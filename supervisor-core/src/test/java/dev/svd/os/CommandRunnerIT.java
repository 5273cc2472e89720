package dev.svd.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One-off commands: exact status, output, timeout that kills the whole group. */
class CommandRunnerIT {
    @TempDir
    Path dir;
    private Processes processes;
    private CommandRunner runner;

    @BeforeEach
    void start() {
        processes = new Processes((pid, status) -> { });
        runner = new CommandRunner(processes);
    }

    @AfterEach
    void stop() {
        runner.close();
        processes.close();
    }

    private static SpawnRequest sh(String script) {
        return new SpawnRequest("test", List.of("/bin/sh", "-c", script), Optional.empty(), Map.of(), Optional.empty());
    }

    @Test
    void reportsStatusAndOutput() {
        CommandRunner.Result r = runner.run(sh("echo out; echo err >&2; exit 3"), Duration.ofSeconds(10), 4096, null).join();
        assertThat(r.status().toString()).isEqualTo("exited 3");
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("out").contains("err");
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void timeoutKillsTheWholeGroup() throws Exception {
        Path pid = dir.resolve("worker");
        CommandRunner.Result r = runner.run(sh("sleep 1000 & echo $! > " + pid + "; wait"), Duration.ofMillis(300), 4096,
                null).join();
        assertThat(r.timedOut()).isTrue();
        assertThat(r.describe()).startsWith("timed out after").contains("killed by SIGKILL");
        int worker = Integer.parseInt(Files.readString(pid).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> !Kernel.processAlive(worker));
    }

    @Test
    void keepsOnlyTheLastBytesOfLongOutput() {
        CommandRunner.Result r = runner.run(sh("seq 1 100000"), Duration.ofSeconds(10), 100, null).join();
        assertThat(r.ok()).isTrue();
        assertThat(r.output()).startsWith("[...]").endsWith("100000\n");
    }

    @Test
    void spawnErrorIsAResultNotAnException() {
        CommandRunner.Result r = runner.run(new SpawnRequest("t", List.of("/nonexistent/x"), Optional.empty(), Map.of(),
                Optional.empty()), Duration.ofSeconds(1), 100, null).join();
        assertThat(r.status()).isNull();
        assertThat(r.describe()).isEqualTo("/nonexistent/x: no such file");
    }
}
