package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, through svctl against a real svd: a liveness probe's start period (health.md, "Start
 * period") lets a slow starter come up, a process that never passes is restarted once the period is
 * over whatever its state, and status shows what is true now (no health without a process, no
 * uptime frozen in a reason). Every service records its pid under {@code pids/}, which
 * {@link SvdProcess#close} kills, also when a test fails.
 */
class LivenessStartPeriodIT {
    /** Generous: two cores shared with other work, and every svctl run is a JVM start. */
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private Path pids;
    private SvdProcess svd;
    private SvctlProcess svctl;

    @BeforeEach
    void paths() throws IOException {
        pids = Files.createDirectories(dir.resolve("pids"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
    }

    /**
     * (a) The service binds its port only once the test opens a gate: far longer than interval x
     * failure-threshold (200 ms x 3). With the default start period its failures do not count, so
     * it is not restarted, and it ends healthy. Without one it was restarted after 600 ms.
     */
    @Test
    void aSlowStarterIsNotRestartedDuringTheStartPeriodAndEndsHealthy() throws Exception {
        int port = Ports.freePort();
        Path gate = dir.resolve("gate");
        startSvd(service("slow", "echo $$ >> " + pids + "/slow.pid; while [ ! -e " + gate + " ]; do sleep 0.05; done;"
                + " exec /usr/bin/python3 -m http.server --bind 127.0.0.1 " + port,
                "start-seconds = 0s, health { tcp { address = \"127.0.0.1:" + port + "\" }, interval = 200ms }"));

        // The process has lived 3 s (many probe slots) without listening: still its first process.
        await().atMost(BOUND).until(() -> status("slow").longOr("uptime_s", -1) >= 3 || recordedPids("slow").size() > 1);
        JsonObject waiting = status("slow");
        assertThat(recordedPids("slow")).as("not restarted; svd's log:\n%s", svd.stdout()).hasSize(1);
        assertThat(waiting.string("state")).isEqualTo("running");
        assertThat(waiting.string("health")).as("failures in the start period do not count").isEqualTo("unknown");
        assertThat(waiting.string("probe")).as("the results are still shown").startsWith("connection refused");
        assertThat(waiting.longOr("restarts", -1)).isZero();
        assertThat(recordedPids("slow")).hasSize(1);

        Files.writeString(gate, "");
        await().atMost(BOUND).until(() -> "healthy".equals(status("slow").string("health")));
        JsonObject up = status("slow");
        assertThat(up.longOr("restarts", -1)).as("never restarted").isZero();
        assertThat(up.longOr("pid", 0)).isEqualTo(recordedPids("slow").get(0));
        assertThat(recordedPids("slow")).hasSize(1);
        SvctlProcess.Result table = svctl.run("status", "slow");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out().lines().toList().get(1)).matches("slow +running +" + up.longOr("pid", 0)
                + " +\\S+ +0 +healthy +-");
    }

    /**
     * (b) A {@code sleep} whose tcp liveness probe is refused from its first second and never
     * passes, with the default start-seconds (1 s): after the start period (2 s) and three failures
     * it is restarted, like a crash; the second process too, and the start limit (2 starts) makes it
     * failed. It stayed running and unhealthy forever before issue 11. {@code early} has no start
     * period: its probe turns unhealthy while it is still starting (start-seconds), and that
     * restarts it too.
     */
    @Test
    void aProcessThatNeverPassesIsRestartedAfterTheStartPeriodUntilTheStartLimit() throws Exception {
        int closed = Ports.freePort();
        String limit = " start-limit { burst = 2, interval = 10m }";
        startSvd(service("dead", "echo $$ >> " + pids + "/dead.pid; exec sleep 1000",
                "health { tcp { address = \"127.0.0.1:" + closed + "\" }, interval = 200ms, start-period = 2s }," + limit)
                + service("early", "echo $$ >> " + pids + "/early.pid; exec sleep 1000", "start-seconds = 60s,"
                + " health { tcp { address = \"127.0.0.1:" + closed + "\" }, interval = 200ms, start-period = 0s }," + limit));

        await().atMost(BOUND).until(() -> "failed".equals(status("early").string("state")));
        assertThat(status("early").string("reason")).startsWith("health check failed: connection refused")
                .contains("start limit hit: 2 starts");
        assertThat(svd.stdout()).containsPattern("early: starting -> stopping \\(health check failed: connection refused");
        await().atMost(BOUND).until(() -> "failed".equals(status("dead").string("state")));
        JsonObject failed = status("dead");
        assertThat(failed.string("reason")).startsWith("health check failed: connection refused: nothing listens on"
                + " 127.0.0.1:" + closed).contains("start limit hit: 2 starts within 10m")
                .endsWith("run 'svctl start dead' once fixed");
        assertThat(failed.longOr("restarts", -1)).isEqualTo(1);
        assertThat(failed.string("health")).as("no process, no health").isEqualTo("unknown");
        assertThat(recordedPids("dead")).hasSize(2);
        for (long pid : recordedPids("dead")) {
            await().atMost(BOUND).until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
        String log = svd.stdout();
        assertThat(log).as("svd's log").contains("dead: health unknown -> unhealthy (connection refused");
        assertThat(log).containsPattern("dead: running -> stopping \\(health check failed: connection refused[^\\n]*"
                + "; sent SIGTERM to process group " + recordedPids("dead").get(0) + "\\)");
    }

    /**
     * (c) What status shows is true now: the reason of a running service holds no uptime of its own
     * (the UPTIME column and uptime_s count on), and a stopped service's health is unknown, not the
     * healthy of its last process.
     */
    @Test
    void statusShowsTheLiveUptimeAndNoHealthForAStoppedService() throws Exception {
        int port = Ports.freePort();
        startSvd(service("web", "echo $$ >> " + pids + "/web.pid; exec /usr/bin/python3 -m http.server --bind"
                + " 127.0.0.1 " + port, "start-seconds = 1s, health { tcp { address = \"127.0.0.1:" + port
                + "\" }, interval = 200ms }"));

        await().atMost(BOUND).until(() -> "healthy".equals(status("web").string("health"))
                && status("web").longOr("uptime_s", -1) >= 3);
        long pid = recordedPids("web").get(0);
        SvctlProcess.Result shown = svctl.run("status", "web");
        assertThat(shown.exit()).as(shown.err()).isZero();
        List<String> lines = shown.out().lines().toList();
        String uptime = lines.get(1).split(" +")[3];
        assertThat(uptime).as("UPTIME in " + lines.get(1) + ", 3 s or more").matches("([3-9]|\\d{2,})s|\\d+m\\d{2}s");
        assertThat(lines).contains("web: pid " + pid + ", stayed up for start-seconds (1s)");
        assertThat(shown.out()).as("no uptime frozen at the transition").doesNotContainPattern(", up \\d");
        JsonObject json = status("web");
        assertThat(json.string("reason")).isEqualTo("pid " + pid + ", stayed up for start-seconds (1s)");
        assertThat(json.longOr("uptime_s", -1)).isGreaterThanOrEqualTo(3);

        SvctlProcess.Result stop = svctl.run("stop", "web");
        assertThat(stop.exit()).as(stop.err()).isZero();
        JsonObject stopped = status("web");
        assertThat(stopped.string("state")).isEqualTo("stopped");
        assertThat(stopped.string("health")).as("the stopped service's health").isEqualTo("unknown");
        assertThat(stopped.longOr("uptime_s", -1)).as("no uptime without a process").isEqualTo(-1);
        SvctlProcess.Result table = svctl.run("status", "web");
        assertThat(table.out().lines().toList().get(1)).matches("web +stopped +- +- +0 +unknown +\\S.*");
    }

    // ---- fixture --------------------------------------------------------------------------------

    /** A service running {@code script} with /bin/sh, then {@code extra} keys. */
    private static String service(String name, String script, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"" + script + "\"], " + extra + " }\n";
    }

    private void startSvd(String services) throws IOException {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\nservices {\n" + services + "}\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        svd.awaitLog("control: listening on ");
    }

    private JsonObject status(String name) throws Exception {
        SvctlProcess.Result r = svctl.run("status", "--json");
        assertThat(r.exit()).as("svctl status --json: %s\nsvd's stdout:\n%s", r.err(), svd.stdout()).isIn(0, 3);
        Map<String, JsonObject> m = new LinkedHashMap<>();
        for (JsonValue v : ((JsonObject) JsonParser.parse(r.out().trim())).array("services").items()) {
            JsonObject s = (JsonObject) v;
            m.put(s.requireString("name"), s);
        }
        return m.get(name);
    }

    private List<Long> recordedPids(String name) throws IOException {
        Path f = pids.resolve(name + ".pid");
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim()))
                .toList() : List.of();
    }
}
