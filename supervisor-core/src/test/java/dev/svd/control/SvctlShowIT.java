package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code svctl show NAME} against a real svd: each key with its value and where it came from, and
 * the real process tree. The service writes its pids under {@code pids/}, which
 * {@link SvdProcess#close} SIGKILLs.
 */
@Timeout(180)
class SvctlShowIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private SvdProcess svd;
    private SvctlProcess svctl;

    @AfterEach
    void cleanUp() throws Exception {
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
    }

    @Test
    void showPrintsEachKeyWithItsOriginAndTheProcessTree() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("pids"));
        Path conf = Files.writeString(dir.resolve("svd.conf"), "svd { socket = \"" + dir + "/svd.sock\", log-dir = \""
                + dir + "/log\", state-dir = \"" + dir + "/state\", stop-budget = 10s }\n"
                + "services.app {\n"
                + "  command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + pids + "/app.pid; sleep 1000 & echo $! >> " + pids
                + "/app.pid; wait\"]\n"
                + "  stop.timeout = 3s\n"
                + "  environment { MODE = prod }\n"
                + "  start-seconds = 0s\n"
                + "  profile = gunicorn\n"
                + "  health { exec { command = [\"/bin/true\"] }, interval = 1m }\n"
                + "}\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        await().atMost(BOUND).until(() -> Files.exists(pids.resolve("app.pid"))
                && Files.readAllLines(pids.resolve("app.pid")).size() == 2);
        List<String> recorded = Files.readAllLines(pids.resolve("app.pid"));
        String shell = recorded.get(0).trim();
        String sleep = recorded.get(1).trim();

        SvctlProcess.Result show = svctl.run("show", "app");

        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).startsWith("app (running; defined at " + conf + ":2)\n")
                .containsPattern("(?m)^  command +\\[\"/bin/sh\", \"-c\", .*  " + conf + ":3$")
                .containsPattern("(?m)^  stop\\.timeout +3s +" + conf + ":4$")
                .containsPattern("(?m)^  stop\\.signal +TERM +profile gunicorn$")
                .containsPattern("(?m)^  reload\\.timeout +10s +default$")
                .containsPattern("(?m)^  health +exec \\[\"/bin/true\"\\] +" + conf + ":8$")
                .containsPattern("(?m)^  health\\.interval +60s +" + conf + ":8$")
                .containsPattern("(?m)^  health\\.failure-threshold +3 +default$")
                .containsPattern("(?m)^cgroup: none$")
                .containsPattern("(?m)^  environment\\.MODE +\"prod\" +" + conf + ":5$")
                .containsPattern("(?m)^  restart +always +default$")
                .containsPattern("(?m)^processes:\\n  " + shell + "  /bin/sh -c .*\\n    " + sleep + "  sleep 1000$");

        SvctlProcess.Result json = svctl.run("show", "app", "--json");

        assertThat(json.exit()).as(json.err()).isZero();
        JsonObject result = (JsonObject) JsonParser.parse(json.out().trim());
        assertThat(result.string("name")).isEqualTo("app");
        List<JsonValue> processes = result.array("processes").items();
        assertThat(processes).hasSize(2);
        assertThat(((JsonObject) processes.get(1)).longOr("parent", 0)).isEqualTo(Long.parseLong(shell));
        assertThat(((JsonObject) processes.get(1)).string("via")).isEqualTo("tree");
        assertThat(result.has("cgroup")).isTrue();
        assertThat(result.string("cgroup")).isNull(); // SvdProcess starts svd with SVD_CGROUP=off
        assertThat(result.array("settings").items()).anySatisfy(v -> assertThat(v).isEqualTo(JsonObject.builder()
                .put("key", "stop.timeout").put("value", "3s").put("from", conf + ":4").build()));

        SvctlProcess.Result unknown = svctl.run("show", "nope");

        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.err()).contains("no service named nope");
    }

    /**
     * Where svd has a writable cgroup v2: show names the service's cgroup, and lists a process that
     * left both the process tree and the group (setsid in an orphaned subshell, started on USR1 once
     * svd has placed the service) as the cgroup's.
     */
    @Test
    void showNamesTheCgroupAndAProcessThatLeftTheTreeAndTheGroup() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("pids"));
        Path file = pids.resolve("app.pid");
        String script = "trap '(setsid /bin/sh -c \"echo \\$\\$ >> " + file + "; exec sleep 1001\" &)' USR1; echo $$ >> "
                + file + "; sleep 1000 & c=$!; echo $c >> " + file + "; while kill -0 $c 2>/dev/null; do wait $c; done";
        Path conf = Files.writeString(dir.resolve("svd.conf"), "svd { socket = \"" + dir + "/svd.sock\", log-dir = \""
                + dir + "/log\", state-dir = \"" + dir + "/state\", stop-budget = 10s }\n"
                + "services.app {\n"
                + "  command = [\"/bin/sh\", \"-c\", \"" + script.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]\n"
                + "  start-seconds = 0s, stop.timeout = 3s\n"
                + "}\n");
        svd = SvdProcess.start(dir, java.util.Map.of("SVD_CGROUP", "auto"), "--config", conf.toString());
        try {
            svctl = new SvctlProcess(dir.resolve("svd.sock"));
            await().atMost(BOUND).until(() -> svd.stdout().contains("processes: "));
            org.junit.jupiter.api.Assumptions.assumeTrue(svd.stdout().contains("each service runs in its own cgroup"),
                    "svd found no writable cgroup v2 on this machine: " + svd.stdout());
            await().atMost(BOUND).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 2
                    && svctl.run("show", "app").out().contains("/app.service\n"));
            SvctlProcess.Result signal = svctl.run("signal", "app", "USR1");
            assertThat(signal.exit()).as(signal.err()).isZero();
            await().atMost(BOUND).until(() -> Files.readAllLines(file).size() == 3);
            List<String> recorded = Files.readAllLines(file);
            String escaped = recorded.get(2).trim();

            SvctlProcess.Result show = svctl.run("show", "app");

            assertThat(show.exit()).as(show.err()).isZero();
            assertThat(show.out()).containsPattern("(?m)^processes:\\n  " + recorded.get(0).trim() + "  /bin/sh -c .*\\n    "
                            + recorded.get(1).trim() + "  sleep 1000\\n  " + escaped
                            + "  sleep 1001  \\(in its cgroup, outside its process group\\)$")
                    .containsPattern("(?m)^cgroup: /.*/svd\\.[0-9a-f]{8}/app\\.service$");
            JsonObject result = (JsonObject) JsonParser.parse(svctl.run("show", "app", "--json").out().trim());
            assertThat(result.string("cgroup")).endsWith("/app.service");
            assertThat(result.array("processes").items()).anySatisfy(v -> {
                assertThat(((JsonObject) v).longOr("pid", 0)).isEqualTo(Long.parseLong(escaped));
                assertThat(((JsonObject) v).string("via")).isEqualTo("cgroup");
            });
        } finally {
            // svd stops the service (its cgroup's members too) and removes its cgroups.
            if (svctl != null) {
                svctl.run("shutdown");
            }
            svd.awaitExit(BOUND);
        }
    }
}
