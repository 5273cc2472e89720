package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection (issue 12): svd started with a low descriptor limit (util-linux prlimit, soft 128,
 * hard 320) and 150 services, far more than 320 descriptors carry. svd raises its soft limit and
 * warns; the services that find no descriptor wait in backoff (not failed) and start once
 * descriptors are freed; the control socket keeps answering root, recognised by its uid, also
 * while root's own connections exhaust svd's descriptors; services start with the soft limit svd
 * was started with.
 */
@Timeout(300)
class DescriptorShortageIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final int SERVICES = 150;
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    @TempDir
    Path dir;
    private SvdProcess svd;
    private Path socket;
    private final List<RawClient> held = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        releaseHeld();
        if (svd != null) {
            // svd stops its 150 services itself first: a SIGKILLed svd leaves the ones still starting
            // (not yet in pids/) writing into the test's directory while it is deleted.
            if (svd.isAlive()) {
                svd.signal("TERM");
                try {
                    svd.awaitExit(BOUND);
                } catch (AssertionError e) {
                    // close() below kills what is left
                }
            }
            svd.close();
        }
    }

    @Test
    void outOfDescriptorsSvdAnswersRootAndRetriesServicesInsteadOfFailingThem() throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "needs util-linux prlimit");
        Files.createDirectories(dir.resolve("limits"));
        StringBuilder services = new StringBuilder();
        for (int i = 1; i <= SERVICES; i++) {
            String name = String.format("s%03d", i);
            services.append("  ").append(name).append(" { command = [\"sh\", \"-c\", \"echo $$ >> ").append(dir)
                    .append("/pids/").append(name).append(".pid; echo $(ulimit -Sn) $(ulimit -Hn) > ").append(dir)
                    .append("/limits/").append(name).append("; exec sleep 1000\"], start-seconds = 0s,")
                    .append(" log.console = false }\n");
        }
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/run/svd.sock\", log-dir = \"" + dir + "/log\","
                + " state-dir = \"" + dir + "/state\" }\n"
                + "control { max-clients = 400 }\n"
                + "services {\n" + services + "}\n");
        svd = SvdProcess.startUnder(List.of(PRLIMIT.toString(), "--nofile=128:320", "--"), dir,
                "--config", conf.toString());
        socket = dir.resolve("run/svd.sock");

        svd.awaitLog("descriptor limit (RLIMIT_NOFILE) raised from 128 to 320, the hard limit; services start with 128");
        assertThat(svd.stdout()).contains("descriptor limit (RLIMIT_NOFILE) is 320 and cannot go higher (hard limit 320)");

        // Short of descriptors: some services run, the others wait in backoff, none has failed.
        Map<String, JsonObject> during = awaitStatus(all -> count(all, "running") > 0
                && all.values().stream().anyMatch(s -> "backoff".equals(s.string("state"))
                && s.string("reason").startsWith("cannot start for now: ")));
        assertThat(count(during, "failed")).as("failed services: %s", during).isZero();
        assertThat(svd.stdout()).contains("svd is out of file descriptors: cannot spawn s");
        List<String> waiting = during.values().stream().filter(s -> "backoff".equals(s.string("state")))
                .map(s -> s.string("name")).toList();
        String runner = during.values().stream().filter(s -> "running".equals(s.string("state")))
                .map(s -> s.string("name")).findFirst().orElseThrow();
        await().atMost(BOUND).until(() -> Files.exists(dir.resolve("limits/" + runner)));
        assertThat(Files.readString(dir.resolve("limits/" + runner)).trim())
                .as("a service gets the soft limit svd was started with").isEqualTo("128 320");

        // Root's own connections use up svd's last descriptors: the socket must still answer once they go.
        exhaustWithConnections();
        releaseHeld();
        assertRootIsAnswered();

        // Descriptors freed: a service that waited starts; nothing ever failed.
        List<String> toStop = during.values().stream().filter(s -> "running".equals(s.string("state")))
                .map(s -> s.string("name")).limit(60).toList();
        JsonObject stopped = awaitAnswer("stop", JsonObject.builder().put("names", JsonArray.ofStrings(toStop)).build());
        assertThat(stopped.boolOr("ok", false)).as("stop: %s", stopped).isTrue();
        Map<String, JsonObject> after = awaitStatus(all -> waiting.stream()
                .anyMatch(n -> "running".equals(all.get(n).string("state"))));
        assertThat(count(after, "failed")).as("failed services: %s", after).isZero();
        assertThat(svd.stdout()).doesNotContain("no longer served").doesNotContain("permission denied");
    }

    /** Opens root connections (each asks for svd's version) until svd sheds one with BUSY or stops answering. */
    private void exhaustWithConnections() throws Exception {
        for (int i = 0; i < 300; i++) {
            RawClient c = RawClient.connect(socket);
            held.add(c);
            CompletableFuture<JsonObject> answer = CompletableFuture.supplyAsync(() -> ask(c, "version", JsonObject.EMPTY));
            JsonObject line;
            try {
                line = answer.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return; // queued in the kernel while svd has no descriptor to accept it: exhausted
            }
            if (line == null || !line.boolOr("ok", false)) {
                assertThat(line == null ? "closed" : line.object("error").string("code")).as("answer %d: %s", i, line)
                        .isIn("closed", "BUSY");
                return;
            }
        }
    }

    /** One request's final line: the answer, a BUSY refusal (which has no id), or null when svd closed. */
    private static JsonObject ask(RawClient c, String cmd, JsonObject args) {
        try {
            c.sendRaw(new Request("r", cmd, args).toLine().getBytes(StandardCharsets.UTF_8));
            return c.read();
        } catch (Exception e) {
            return null;
        }
    }

    private void releaseHeld() throws IOException {
        for (RawClient c : held) {
            c.close();
        }
        held.clear();
    }

    private void assertRootIsAnswered() {
        JsonObject answer = awaitAnswer("status", JsonObject.EMPTY);
        assertThat(answer.boolOr("ok", false)).as("root's status: %s", answer).isTrue();
    }

    /** The answer to one request from root, retried while svd answers BUSY or closes. */
    private JsonObject awaitAnswer(String cmd, JsonObject args) {
        JsonObject[] answer = new JsonObject[1];
        await().atMost(BOUND).ignoreExceptions().until(() -> {
            assertThat(svd.isAlive()).as("svd is alive; stdout:\n%s", svd.stdout()).isTrue();
            try (RawClient c = RawClient.connect(socket)) {
                JsonObject a = ask(c, cmd, args);
                if (a == null || (!a.boolOr("ok", false) && "BUSY".equals(a.object("error").string("code")))) {
                    return false;
                }
                answer[0] = a;
                return true;
            }
        });
        return answer[0];
    }

    private Map<String, JsonObject> awaitStatus(java.util.function.Predicate<Map<String, JsonObject>> until) {
        List<Map<String, JsonObject>> seen = new ArrayList<>();
        await().atMost(BOUND).until(() -> {
            JsonObject a = awaitAnswer("status", JsonObject.EMPTY);
            Map<String, JsonObject> all = new LinkedHashMap<>();
            for (JsonValue v : ((JsonArray) a.object("result").get("services")).items()) {
                JsonObject s = (JsonObject) v;
                all.put(s.string("name"), s);
            }
            assertThat(count(all, "failed")).as("failed services: %s", all).isZero();
            seen.add(0, all);
            return until.test(all);
        });
        return seen.get(0);
    }

    private static long count(Map<String, JsonObject> all, String state) {
        return all.values().stream().filter(s -> state.equals(s.string("state"))).count();
    }
}
