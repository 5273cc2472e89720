package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients against a real svd's control socket (issue 12): seeded garbage, huge and partial
 * lines, invalid UTF-8, deep JSON nesting, a slowloris, blank-line keep-alives, a client that never
 * reads, and many connections from other users. Each test asserts what svd answers the hostile
 * client and that root is still answered afterwards. The random inputs come from one seed, printed
 * in every failure message; {@code -Dsvd.test.seed=N} replays a run.
 */
@Timeout(240)
class ControlHostileInputIT {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final long SEED = Long.getLong("svd.test.seed", System.nanoTime());
    private static final String REPLAY = "seed " + SEED + " (replay: -Dsvd.test.seed=" + SEED + ")";

    @TempDir
    Path dir;
    private SvdProcess svd;
    private Path socket;
    private final List<Process> clients = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-client");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void cleanUp() throws IOException {
        background.shutdownNow();
        clients.forEach(Process::destroyForcibly);
        if (svd != null) {
            svd.close();
        }
    }

    private void startSvd(String control) throws IOException {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/run/svd.sock\", log-dir = \"" + dir + "/log\","
                + " state-dir = \"" + dir + "/state\" }\n"
                + "control { " + control + " }\n"
                + "services { sleeper { command = [\"sh\", \"-c\", \"echo $$ >> " + dir + "/pids/sleeper.pid;"
                + " exec sleep 1000\"], start-seconds = 0s, log.console = false } }\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        socket = dir.resolve("run/svd.sock");
        assertRootIsAnswered();
    }

    /** A well-behaved root client connects and gets its status: what must hold after every attack. */
    private void assertRootIsAnswered() {
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> {
            assertThat(svd.isAlive()).as("svd is alive; stdout:\n%s", svd.stdout()).isTrue();
            try (RawClient c = RawClient.connect(socket)) {
                JsonObject answer = c.call("status", JsonObject.EMPTY);
                assertThat(answer.boolOr("ok", false)).as("root's status: %s", answer).isTrue();
            }
        });
        assertThat(svd.stdout()).doesNotContain("no longer served");
    }

    @Test
    void seededGarbageGetsOneErrorLineEachAndTheConnectionStaysUsable() throws Exception {
        startSvd("");
        Random random = new Random(SEED);
        try (RawClient c = RawClient.connect(socket)) {
            for (int i = 0; i < 300; i++) {
                byte[] line = garbage(random);
                c.sendRaw(line);
                JsonObject answer = c.read();
                String what = REPLAY + ", line " + i + ": " + show(line);
                assertThat(answer).as("an answer to %s", what).isNotNull();
                assertThat(answer.boolOr("ok", true)).as("%s -> %s", what, answer).isFalse();
                assertThat(answer.object("error").string("code")).as("%s -> %s", what, answer)
                        .isIn("BAD_REQUEST", "UNKNOWN_COMMAND");
            }
            assertThat(c.call("version", JsonObject.EMPTY).boolOr("ok", false)).as(REPLAY).isTrue();
        }
        assertRootIsAnswered();
    }

    /** One request line that is not a valid request, ending in a newline, never blank. */
    private static byte[] garbage(Random random) {
        String head = "{\"v\":1,\"id\":\"g\",\"cmd\":\"status\",\"args\":";
        byte[] body = switch (random.nextInt(6)) {
            case 0 -> { // random bytes, none a newline
                byte[] b = new byte[1 + random.nextInt(2000)];
                random.nextBytes(b);
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == '\n') {
                        b[i] = '?';
                    }
                }
                b[0] = (byte) ('!' + random.nextInt(90)); // not blank
                yield b;
            }
            case 1 -> { // JSON-like tokens in any order (no known command among them)
                String[] tokens = {"{", "}", "[", "]", "\"v\"", ":", "1", "2", ",", "\"cmd\"", "\"nosuch\"", "\"id\"",
                    "\"args\"", "null", "true", "\"\\u0000\"", "\"\\ud800\"", "1e999", "-", "\"", "\\"};
                StringBuilder sb = new StringBuilder("{");
                for (int i = random.nextInt(40); i > 0; i--) {
                    sb.append(tokens[random.nextInt(tokens.length)]);
                }
                yield sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> { // a request with invalid UTF-8 in a string
                byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, (byte) 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xC0, (byte) 0xAF}, {(byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}};
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                b.writeBytes("{\"v\":1,\"id\":\"u".getBytes(StandardCharsets.UTF_8));
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    b.writeBytes(bad[random.nextInt(bad.length)]);
                }
                b.writeBytes("\",\"cmd\":\"status\"}".getBytes(StandardCharsets.UTF_8));
                yield b.toByteArray();
            }
            case 3 -> { // nesting far deeper than the protocol's 32 levels, within 64 KiB
                int depth = 33 + random.nextInt(30_000);
                yield (head + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> { // the right shape with the wrong types
                String[] wrong = {"{\"v\":\"1\",\"id\":\"w\",\"cmd\":\"status\"}", "{\"v\":1,\"id\":5,\"cmd\":\"status\"}",
                    "{\"v\":1,\"id\":\"w\",\"cmd\":[]}", "{\"v\":1,\"id\":\"w\",\"cmd\":\"status\",\"args\":[]}",
                    "[]", "\"status\"", "{\"v\":1,\"id\":\"w\",\"cmd\":\"status\",\"cmd\":\"stop\"}",
                    "{\"v\":1,\"id\":\"w\",\"cmd\":\"stop\",\"args\":{\"names\":[1]}}"};
                yield wrong[random.nextInt(wrong.length)].getBytes(StandardCharsets.UTF_8);
            }
            default -> ("x".repeat(1 + random.nextInt(60_000))).getBytes(StandardCharsets.UTF_8); // long, not JSON
        };
        byte[] line = Arrays.copyOf(body, body.length + 1);
        line[body.length] = '\n';
        return line;
    }

    private static String show(byte[] line) {
        byte[] start = Arrays.copyOf(line, Math.min(line.length, 80));
        return line.length + " bytes starting " + HexFormat.of().formatHex(start);
    }

    @Test
    void aHugeLineIsTooLargeAndClosed() throws Exception {
        startSvd("");
        try (RawClient c = RawClient.connect(socket)) {
            byte[] huge = new byte[70_000]; // over 64 KiB, and no newline: the socket buffers take it all
            Arrays.fill(huge, (byte) 'x');
            c.sendRaw(huge);
            JsonObject answer = c.read();
            assertThat(answer.object("error").string("code")).isEqualTo("TOO_LARGE");
            assertThat(c.read()).as("closed after TOO_LARGE").isNull();
        }
        assertRootIsAnswered();
    }

    @Test
    void aPartialLineAndAHangUpDisturbNothing() throws Exception {
        startSvd("");
        for (int i = 0; i < 20; i++) {
            try (RawClient c = RawClient.connect(socket)) {
                c.sendRaw(("{\"v\":1,\"id\":\"" + i + "\",\"cmd\":\"sta").getBytes(StandardCharsets.UTF_8));
            }
        }
        assertRootIsAnswered();
    }

    /** Issue 12 ("Lockout"): a request dribbled a byte at a time must not hold a slot for ever. */
    @Test
    void aSlowlorisIsCutOffAtTheRequestDeadline() throws Exception {
        startSvd("request-timeout = 2s");
        byte[] request = "{\"v\":1,\"id\":\"slow\",\"cmd\":\"status\",\"args\":{\"names\":[\"sleeper\"]}}"
                .repeat(100).getBytes(StandardCharsets.UTF_8); // no newline: never complete
        assertToldTimeoutWhileSending(request);
        assertRootIsAnswered();
    }

    /** Issue 12 ("Lockout"): 32 clients each sending a blank line every 20 s held every slot. */
    @Test
    void blankLinesDoNotKeepAConnectionAlive() throws Exception {
        startSvd("request-timeout = 2s");
        assertToldTimeoutWhileSending("\n \n\r\n\t\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        assertRootIsAnswered();
    }

    /**
     * Sends {@code bytes} one at a time, 50 ms apart on a timer (for minutes), until svd answers: the answer
     * must be TIMEOUT, and svd must have cut the client off while it was still sending.
     */
    private void assertToldTimeoutWhileSending(byte[] bytes) throws Exception {
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (RawClient c = RawClient.connect(socket)) {
            // The attack's pace: one byte every 50 ms on a timer, so no thread of the test sleeps.
            CompletableFuture<Boolean> cutOff = new CompletableFuture<>();
            AtomicInteger next = new AtomicInteger();
            pace.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (cutOff.isDone()) {
                    return;
                }
                if (i >= bytes.length) {
                    cutOff.complete(false); // ran out of bytes: svd let it go on for minutes
                    return;
                }
                try {
                    c.sendRaw(new byte[] {bytes[i]});
                } catch (IOException e) {
                    cutOff.complete(true); // svd stopped reading or closed
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            CompletableFuture<JsonObject> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.read();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, background);
            await().atMost(BOUND).until(answer::isDone);
            JsonObject line = answer.get();
            assertThat(line).as("an answer before the close").isNotNull();
            assertThat(line.object("error").toJson())
                    .isEqualTo("{\"code\":\"TIMEOUT\",\"message\":\"no complete request within 2s; connection closed\"}");
            assertThat(c.read()).as("closed after TIMEOUT").isNull();
            await().atMost(BOUND).until(cutOff::isDone);
            assertThat(cutOff.get()).as("svd cut the client off while it was still sending").isTrue();
        } finally {
            pace.shutdownNow();
        }
    }

    /** Issue 12 ("Lockout"): a client that sends requests and never reads pinned a thread in a write. */
    @Test
    void aClientThatNeverReadsIsClosedAtTheWriteDeadline() throws Exception {
        startSvd("write-timeout = 2s");
        try (RawClient c = RawClient.connect(socket)) {
            byte[] request = "{\"v\":1,\"id\":\"r\",\"cmd\":\"status\"}\n".getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> {
                int sent = 0;
                try {
                    while (true) {
                        c.sendRaw(request); // blocks once svd stops reading; fails once svd closes
                        sent++;
                    }
                } catch (IOException e) {
                    return sent;
                }
            }, background);
            await().atMost(BOUND).until(flood::isDone);
            assertThat(flood.get()).as("requests sent before svd closed").isPositive();
        }
        await().atMost(BOUND).until(() -> svd.stdout().contains("did not read its answer within 2s; closing"));
        assertRootIsAnswered();
    }

    /**
     * Issue 12 ("Lockout"): other users' connections, however many, leave root its reserved slots,
     * and one user cannot take more than its share.
     */
    @Test
    void manyConnectionsOfOtherUsersLeaveRootItsSlots() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run clients as other uids");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs setpriv and python3");
        startSvd("max-clients = 8, max-clients-per-user = 3, reserved-for-root = 2, request-timeout = 120s");
        // Let other uids reach the socket: the test's own directories and the socket are opened up.
        for (Path p : List.of(dir, socket.getParent())) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));

        List<String> first = holdConnections(65534, 4);
        assertThat(first.subList(0, 3)).allSatisfy(l -> assertThat(l).contains("\"code\":\"PERMISSION_DENIED\""));
        assertThat(first.get(3)).contains("\"code\":\"BUSY\"").contains("already has 3 control connections");
        List<String> second = holdConnections(65533, 3);
        assertThat(second).allSatisfy(l -> assertThat(l).contains("\"code\":\"PERMISSION_DENIED\""));
        List<String> third = holdConnections(65532, 1);
        assertThat(third.get(0)).contains("\"code\":\"BUSY\"")
                .contains("svd already serves 6 control clients (2 more are kept for root)");

        try (RawClient a = RawClient.connect(socket); RawClient b = RawClient.connect(socket)) {
            assertThat(a.call("status", JsonObject.EMPTY).boolOr("ok", false)).isTrue();
            assertThat(b.call("status", JsonObject.EMPTY).boolOr("ok", false)).isTrue();
        }
        assertRootIsAnswered();
    }

    /** Python as {@code uid}: opens {@code n} connections, asks each for its version, prints each answer, holds them. */
    private List<String> holdConnections(int uid, int n) throws Exception {
        String script = String.join("\n",
                "import socket, sys",
                "held = []",
                "for i in range(int(sys.argv[2])):",
                "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "    s.connect(sys.argv[1])",
                "    try:",
                "        s.sendall(b'{\"v\":1,\"id\":\"%d\",\"cmd\":\"version\"}\\n' % i)",
                "    except OSError:",
                "        pass",  // refused: svd already wrote BUSY and closed
                "    f = s.makefile('rb')",
                "    print(f.readline().decode().strip(), flush=True)",
                "    held.append((s, f))",
                "sys.stdin.read()");
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "/usr/bin/python3", "-c", script, socket.toString(), Integer.toString(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        clients.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String line = out.readLine();
            assertThat(line).as("answer %d of uid %d's connections; svd:\n%s", i, uid, svd.stdout()).isNotNull();
            lines.add(line);
        }
        return lines;
    }
}
