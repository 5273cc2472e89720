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
                .containsPattern("(?m)^  stop\\.signal +TERM +default$")
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

        SvctlProcess.Result unknown = svctl.run("show", "nope");

        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.err()).contains("no service named nope");
    }
}
