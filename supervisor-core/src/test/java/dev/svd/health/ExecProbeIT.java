package dev.svd.health;

import static dev.svd.health.Probes.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.ProbeCheck;
import dev.svd.os.CommandRunner;
import dev.svd.os.Processes;
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

/** exec probes through svd's own spawning and reaping (so no ProcessBuilder in this class). */
class ExecProbeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Processes processes;
    private CommandRunner runner;
    private Prober prober;

    @BeforeEach
    void start() {
        processes = new Processes((pid, status) -> { });
        runner = new CommandRunner(processes);
        prober = new Prober(runner);
    }

    @AfterEach
    void stop() {
        prober.close();
        runner.close();
        processes.close();
    }

    private ProbeResult first(String script, Duration timeout, ProbeContext context) {
        Probes.Results results = new Probes.Results();
        prober.watch("db", ProbeKind.HEALTH, spec(new ProbeCheck.Exec(List.of("/bin/sh", "-c", script)),
                Duration.ofMillis(100), timeout), context, results);
        await().atMost(WAIT).until(() -> results.size() > 0);
        return results.all.get(0);
    }

    @Test
    void exitZeroPassesInTheServiceDirectoryAndEnvironment() throws Exception {
        Files.writeString(dir.resolve("ready"), "");
        ProbeResult r = first("test -f ready && test \"$MODE\" = probe", Duration.ofSeconds(5),
                new ProbeContext(Optional.of(dir), Map.of("MODE", "probe"), Optional.empty()));

        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.summary()).matches("exited 0 in ([0-9]+ms|[0-9]+(\\.[0-9])?s|[0-9]+m)");
    }

    @Test
    void failureQuotesTheLastLineOfOutput() {
        ProbeResult r = first("echo checking; echo 'pg: no response' >&2; exit 2", Duration.ofSeconds(5), ProbeContext.NONE);

        assertThat(r.ok()).isFalse();
        assertThat(r.summary()).matches("exited 2 in ([0-9]+ms|[0-9]+(\\.[0-9])?s|[0-9]+m)");
        assertThat(r.diagnosis()).isEqualTo("the probe command exited 2: pg: no response");
    }

    @Test
    void aCommandPastItsTimeoutIsKilled() {
        ProbeResult r = first("sleep 30", Duration.ofMillis(300), ProbeContext.NONE);

        assertThat(r.summary()).isEqualTo("timeout after 300ms");
        assertThat(r.diagnosis()).isEqualTo("the probe command did not finish within 300ms and was killed");
        // killed, not waited for: the sleep would have taken 30 s (no tighter bound: a slow machine, issue 11)
        assertThat(r.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(30));
    }
}
