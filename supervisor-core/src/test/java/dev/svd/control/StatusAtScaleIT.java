package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code svctl status} of 2,000 services, which svd lays out as one table string
 * ({@code status} with {@code table}, docs/protocol.md), is complete and correct: every service in
 * config order with the pid and state {@code status --json} reports, the exit code from the states,
 * a stopped service shown as such. Every service records its pid, which {@link SvdProcess#close}
 * SIGKILLs if svd could not stop them.
 */
@Timeout(600)
class StatusAtScaleIT {
    private static final int SERVICES = 2000;
    /** Two cores shared with other work: 2,000 spawns, and svctl is a JVM start each time. */
    private static final Duration BOUND = Duration.ofSeconds(300);

    @TempDir
    Path dir;
    private SvdProcess svd;

    @AfterEach
    void cleanUp() throws IOException {
        if (svd != null) {
            svd.close();
        }
    }

    @Test
    void statusOfTwoThousandServicesListsEveryOneWithItsRealPidAndState() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("pids"));
        StringBuilder services = new StringBuilder();
        for (int i = 0; i < SERVICES; i++) {
            // one file for all: appends of one short line are atomic
            services.append(String.format("  s%04d { command = [\"/bin/sh\", \"-c\", \"echo $$ >> %s/all.pid; exec sleep 1000\"],"
                    + " start-seconds = 0s, log { console = false } }%n", i, pids));
        }
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\" }\nservices {\n" + services + "}\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        SvctlProcess svctl = new SvctlProcess(dir.resolve("svd.sock"));

        Map<String, JsonObject> json = new LinkedHashMap<>();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(svd.isAlive()).as("svd is alive; stderr:\n%s", svd.stderr()).isTrue();
            SvctlProcess.Result r = svctl.run("status", "--json");
            assertThat(r.exit()).as(r.err()).isIn(0, 3);
            json.clear();
            for (JsonValue v : ((JsonObject) JsonParser.parse(r.out().trim())).array("services").items()) {
                json.put(((JsonObject) v).requireString("name"), (JsonObject) v);
            }
            assertThat(json.values()).allSatisfy(s -> assertThat(s.string("state")).isEqualTo("running"));
        });
        assertThat(json).hasSize(SERVICES);

        SvctlProcess.Result table = svctl.run("status");

        assertThat(table.exit()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(SERVICES + 1);
        assertThat(lines.get(0)).matches("NAME +STATE +PID +UPTIME +RESTARTS +HEALTH +LAST-EXIT");
        int i = 0;
        for (JsonObject s : json.values()) {
            assertThat(lines.get(++i)).as("line %d", i)
                    .matches(s.requireString("name") + " +running +" + s.longOr("pid", 0) + " +\\d+[smhd]\\S* +0 +unknown +-");
        }
        assertThat(Files.readAllLines(pids.resolve("all.pid")).stream().map(Long::parseLong).toList())
                .as("the pids svd reports are the services' own").containsExactlyInAnyOrderElementsOf(
                        json.values().stream().map(s -> s.longOr("pid", 0)).toList());

        SvctlProcess.Result stop = svctl.run("stop", "s0777");
        assertThat(stop.exit()).as(stop.err()).isZero();
        SvctlProcess.Result after = svctl.run("status");

        assertThat(after.exit()).as("one service is not running").isEqualTo(3);
        List<String> now = after.out().lines().toList();
        assertThat(now).hasSize(SERVICES + 1);
        assertThat(now.get(778)).matches("s0777 +stopped +- +- +0 +unknown +\\S.*");
        assertThat(now.get(779)).startsWith("s0778 ").contains(" running ");

        // The wire form svctl asked for: one string and the count of services not running.
        JsonObject result = request("{\"v\":1,\"id\":\"1\",\"cmd\":\"status\",\"args\":{\"table\":true}}");
        assertThat(result.members().keySet()).containsExactly("table", "not_running", "unknown");
        List<String> wire = result.string("table").lines().toList();
        assertThat(wire).hasSize(SERVICES + 1);
        assertThat(wire.get(0)).isEqualTo(now.get(0));
        assertThat(wire.get(778)).isEqualTo(now.get(778));
        assertThat(result.longOr("not_running", -1)).isEqualTo(1);
    }

    /** One request line straight to svd's socket; the result of its answer. */
    private JsonObject request(String line) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("svd.sock")));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            String answer = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8)).readLine();
            JsonObject o = (JsonObject) JsonParser.parse(answer);
            assertThat(o.boolOr("ok", false)).as(answer).isTrue();
            return o.object("result");
        }
    }
}
