package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.svd.engine.ConfigChange;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The control server on a real socket, against an in-memory engine. */
@Timeout(60)
class ControlServerIT {
    private static final AuthorizationPolicy ROOT_ONLY = AuthorizationPolicy.forDaemonUser(null);

    @TempDir
    Path tmp;
    private Path socket;
    private final FakeSupervisorControl engine = new FakeSupervisorControl();
    private final List<ControlServer> servers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void startServer() throws Exception {
        socket = tmp.resolve("run/svd.sock");
        server(socket, ROOT_ONLY, ControlLimits.DEFAULT).start();
        logs.start();
        ((Logger) LoggerFactory.getLogger("dev.svd.control")).addAppender(logs);
    }

    @AfterEach
    void stopServers() {
        ((Logger) LoggerFactory.getLogger("dev.svd.control")).detachAppender(logs);
        servers.forEach(ControlServer::close);
    }

    private ControlServer server(Path path, AuthorizationPolicy policy, ControlLimits limits) {
        ControlServer s = new ControlServer(path, engine, engine, engine, engine, engine, policy, limits,
                Clock.fixed(FakeSupervisorControl.NOW, ZoneOffset.UTC));
        servers.add(s);
        return s;
    }

    private static JsonObject args(String json) throws Exception {
        return (JsonObject) dev.svd.protocol.JsonParser.parse(json);
    }

    private JsonObject call(String cmd, String argsJson) throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            return c.call(cmd, args(argsJson));
        }
    }

    private static JsonObject result(JsonObject line) {
        assertThat(line.boolOr("ok", false)).as("ok in %s", line).isTrue();
        return line.object("result");
    }

    private static String errorCode(JsonObject line) {
        assertThat(line.boolOr("ok", true)).as("ok in %s", line).isFalse();
        return line.object("error").string("code");
    }

    private static List<JsonObject> objects(JsonArray a) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonValue v : a.items()) {
            out.add((JsonObject) v);
        }
        return out;
    }

    @Test
    void createsTheDirectory0750AndTheSocket0660() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
    }

    @Test
    void statusListsEveryServiceWithItsSnapshot() throws Exception {
        JsonObject r = result(call("status", "{}"));
        List<JsonObject> services = objects(r.array("services"));
        assertThat(services).extracting(s -> s.string("name")).containsExactly("web", "db", "hang", "boom");
        assertThat(services.get(0).toJson()).isEqualTo("{\"name\":\"web\",\"state\":\"running\",\"pid\":4242,"
                + "\"restarts\":2,\"uptime_s\":192,\"health\":\"healthy\",\"last_exit\":\"exited 1\",\"reason\":\"running\","
                + "\"ready\":true,\"probe\":null,\"started_at\":\"2026-11-25T11:56:48Z\",\"status_text\":null,\"main_pid\":null,"
                + "\"sockets\":[]}");
        assertThat(services.get(1).get("pid").toJson()).isEqualTo("null");
        assertThat(services.get(1).get("uptime_s").toJson()).isEqualTo("null");
    }

    @Test
    void statusOfNamedServicesListsUnknownNamesApart() throws Exception {
        JsonObject r = result(call("status", "{\"names\":[\"db\",\"nope\"]}"));
        assertThat(objects(r.array("services"))).extracting(s -> s.string("name")).containsExactly("db");
        assertThat(r.strings("unknown")).containsExactly("nope");
    }

    @Test
    void startAnswersPerServiceAndIsAudited() throws Exception {
        JsonObject r = result(call("start", "{\"names\":[\"db\",\"nope\"],\"timeout_ms\":5000}"));
        List<JsonObject> results = objects(r.array("results"));
        assertThat(results.get(0).toJson()).isEqualTo("{\"service\":\"db\",\"ok\":true,\"error\":null,"
                + "\"message\":\"started\",\"state\":\"running\",\"pid\":5000,\"took_ms\":12,\"also\":[]}");
        assertThat(results.get(1).string("error")).isEqualTo("NO_SUCH_SERVICE");
        assertThat(engine.service("db").orElseThrow().state().label()).isEqualTo("running");
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).isEqualTo(
                "audit: user=" + System.getProperty("user.name") + " uid=" + uid() + " group=" + groupName()
                        + " pid=" + ProcessHandle.current().pid() + " cmd=start args={\"names\":[\"db\",\"nope\"],\"timeout_ms\":5000} outcome=partial "
                        + r.toJson()));
    }

    /** The peer here is this JVM itself (RawClient), so its uid and pid are the audit's. */
    private static int uid() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static int ownGid() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    }

    private static String groupName() throws Exception {
        return Files.readAttributes(Path.of("/proc/self"), java.nio.file.attribute.PosixFileAttributes.class)
                .group().getName();
    }

    @Test
    void stopRestartAndReloadReachTheEngine() throws Exception {
        assertThat(objects(result(call("stop", "{\"names\":[\"web\"]}")).array("results")).get(0).string("state"))
                .isEqualTo("stopped");
        assertThat(objects(result(call("reload", "{\"names\":[\"web\"]}")).array("results")).get(0).string("error"))
                .isEqualTo("NOT_RUNNING");
        assertThat(objects(result(call("restart", "{\"names\":[\"web\"]}")).array("results")).get(0).string("state"))
                .isEqualTo("running");
        assertThat(objects(result(call("reload", "{\"names\":[\"web\"]}")).array("results")).get(0).boolOr("ok", false))
                .isTrue();
    }

    @Test
    void anActionTheEngineNeverAnswersTimesOut() throws Exception {
        JsonObject entry = objects(result(call("stop", "{\"names\":[\"hang\"],\"timeout_ms\":100}")).array("results")).get(0);
        assertThat(entry.string("error")).isEqualTo("TIMEOUT");
        assertThat(entry.string("message")).isEqualTo("hang: no answer from svd's engine within 2s");
    }

    @Test
    void badArgumentsAreBadRequests() throws Exception {
        assertThat(call("start", "{}").object("error").string("message")).isEqualTo("args.names: name at least one service");
        assertThat(call("start", "{\"names\":\"web\"}").object("error").string("message"))
                .isEqualTo("args.\"names\": expected an array (was a string)");
        assertThat(call("stop", "{\"names\":[\"web\"],\"timeout_ms\":-1}").object("error").string("message"))
                .isEqualTo("args.timeout_ms: expected 1..3600000 (was -1)");
        assertThat(call("signal", "{\"name\":\"web\",\"signal\":\"SIGFOO\"}").object("error").string("message"))
                .startsWith("args.signal: unknown signal \"SIGFOO\" (expected one of HUP, INT,");
    }

    @Test
    void anExceptionInTheEngineIsInternalWithARefAndTheServerGoesOn() throws Exception {
        JsonObject line = call("restart", "{\"names\":[\"boom\"]}");
        assertThat(errorCode(line)).isEqualTo("INTERNAL");
        String message = line.object("error").string("message");
        assertThat(message).matches("internal error; see svd's log \\(ref [0-9a-f]{6}\\)");
        String ref = message.substring(message.indexOf("ref ") + 4, message.length() - 1);
        assertThat(logs.list).anySatisfy(e -> {
            assertThat(e.getFormattedMessage()).contains("(ref " + ref + ")");
            assertThat(e.getThrowableProxy().getMessage()).isEqualTo("boom: the fake engine exploded");
        });
        result(call("status", "{}"));
    }

    @Test
    void signalIsSentToARunningServiceOnly() throws Exception {
        JsonObject ok = objects(result(call("signal", "{\"name\":\"web\",\"signal\":\"hup\"}")).array("results")).get(0);
        assertThat(ok.string("message")).isEqualTo("sent SIGHUP");
        assertThat(engine.signalsSent).containsExactly("web:HUP");
        JsonObject refused = objects(result(call("signal", "{\"name\":\"db\",\"signal\":\"15\"}")).array("results")).get(0);
        assertThat(refused.string("error")).isEqualTo("NOT_RUNNING");
    }

    @Test
    void logsSendTheTailAsItems() throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            List<JsonObject> lines = c.request("logs", args("{\"name\":\"web\",\"lines\":2}"));
            assertThat(lines).extracting(JsonObject::toJson).containsExactly(
                    "{\"v\":1,\"id\":\"t1\",\"ok\":true,\"item\":{\"line\":\"GET / 200\"}}",
                    "{\"v\":1,\"id\":\"t1\",\"ok\":true,\"item\":{\"line\":\"GET /health 200\"}}",
                    "{\"v\":1,\"id\":\"t1\",\"ok\":true,\"result\":{\"lines\":2}}");
            assertThat(c.call("logs", args("{\"name\":\"web\",\"stream\":\"stderr\"}")).object("result").longOr("lines", 0))
                    .isEqualTo(1);
            assertThat(errorCode(c.call("logs", args("{\"name\":\"nope\"}")))).isEqualTo("NO_SUCH_SERVICE");
        }
    }

    @Test
    void logsOfAJobSayWhereItsOutputIs() throws Exception {
        engine.withJobs = true;
        try (RawClient c = RawClient.connect(socket)) {
            for (String name : List.of("renew", "job-renew")) {
                JsonObject error = c.call("logs", args("{\"name\":\"" + name + "\"}")).object("error");
                assertThat(error.string("code")).isEqualTo("NO_SUCH_SERVICE");
                assertThat(error.string("message")).isEqualTo(name + " is a job, not a service: its output is in"
                        + " job-renew.log in svd's log-dir, and 'svctl run renew' shows a run's last lines");
            }
        }
    }

    @Test
    void followedLogsStreamNewLinesUntilTheClientHangsUp() throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            c.sendLine("{\"v\":1,\"id\":\"f\",\"cmd\":\"logs\",\"args\":{\"name\":\"web\",\"lines\":1,\"follow\":true}}");
            assertThat(c.read().object("item").string("line")).isEqualTo("GET /health 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.outputFollowers() == 1);
            engine.writeOutput("GET /new 201");
            assertThat(c.read().object("item").string("line")).isEqualTo("GET /new 201");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.outputFollowers() == 0);
        result(call("status", "{}"));
    }

    @Test
    void aFollowerThatFallsBehindGetsBusyAndIsClosed() throws Exception {
        Path path = tmp.resolve("slow/svd.sock");
        server(path, ROOT_ONLY, new ControlLimits(65536, Duration.ofSeconds(30), Duration.ofSeconds(10), 4, 4, 0,
                Duration.ofSeconds(5), Duration.ofSeconds(5), 2)).start();
        try (RawClient c = RawClient.connect(path)) {
            c.sendLine("{\"v\":1,\"id\":\"f\",\"cmd\":\"logs\",\"args\":{\"name\":\"web\",\"lines\":0,\"follow\":true}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.outputFollowers() == 1);
            String big = "x".repeat(60_000);
            for (int i = 0; i < 100; i++) { // 6 MB: more than the socket buffers hold while the client does not read
                engine.writeOutput(big);
            }
            JsonObject line;
            int items = 0;
            while ((line = c.read()) != null && line.has("item")) {
                items++;
            }
            assertThat(items).isLessThan(100);
            assertThat(line.object("error").string("code")).isEqualTo("BUSY");
            assertThat(line.object("error").string("message"))
                    .isEqualTo("client fell 2 items behind the stream; stream ended (read faster, or ask for fewer)");
            assertThat(c.read()).isNull();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.outputFollowers() == 0);
    }

    @Test
    void eventsAreSentOnceEvenWhenFollowing() throws Exception {
        List<JsonObject> recent;
        try (RawClient c = RawClient.connect(socket)) {
            recent = c.request("events", args("{\"limit\":5}"));
        }
        assertThat(recent).hasSize(3);
        assertThat(recent.get(1).object("item").toJson()).isEqualTo("{\"seq\":2,\"at\":\"2026-11-25T12:00:02Z\","
                + "\"service\":\"web\",\"from\":\"starting\",\"to\":\"running\",\"reason\":\"up for 1s\"}");
        try (RawClient c = RawClient.connect(socket)) {
            c.sendLine("{\"v\":1,\"id\":\"e\",\"cmd\":\"events\",\"args\":{\"limit\":1,\"follow\":true}}");
            assertThat(c.read().object("item").longOr("seq", 0)).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.eventFollowers() == 1);
            engine.transition("db", dev.svd.lifecycle.ServiceState.STOPPED, dev.svd.lifecycle.ServiceState.STARTING, "x");
            JsonObject next = c.read().object("item");
            assertThat(next.longOr("seq", 0)).isEqualTo(3);
            assertThat(next.string("service")).isEqualTo("db");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.eventFollowers() == 0);
    }

    @Test
    void rereadAndUpdateReportChangesOrEveryProblem() throws Exception {
        assertThat(result(call("reread", "{}")).toJson()).isEqualTo(
                "{\"added\":[\"cache\"],\"removed\":[],\"changed\":[\"web\"],\"unchanged\":[\"db\"],\"problems\":[],"
                + "\"changes\":[{\"service\":\"web\",\"settings\":[],\"pending\":[],\"action\":\"restart\",\"result\":null}],"
                + "\"ok\":true}");
        assertThat(result(call("update", "{}")).strings("added")).containsExactly("cache");
        engine.nextChange = new ConfigChange(List.of(), List.of(), List.of(), List.of(),
                List.of("/etc/svd/svd.conf:3: a", "/etc/svd/svd.conf:9: b"));
        JsonObject error = call("update", "{}").object("error");
        assertThat(error.toJson()).isEqualTo("{\"code\":\"CONFIG_INVALID\",\"message\":\"configuration has 2 problems; "
                + "nothing changed\",\"details\":[\"/etc/svd/svd.conf:3: a\",\"/etc/svd/svd.conf:9: b\"]}");
    }

    @Test
    void jobsListsScheduleNextAndLastRunAndRunAnswersTheResultOrBusy() throws Exception {
        engine.withJobs = true;
        List<JsonObject> jobs = objects(result(call("jobs", "{}")).array("jobs"));
        assertThat(jobs.get(0).toJson()).isEqualTo("{\"name\":\"renew\",\"schedule\":\"0 3,15 * * *\","
                + "\"description\":\"at 3 and 15 hours\",\"random_delay_s\":3600,\"timeout_s\":600,\"persistent\":true,"
                + "\"next_run\":\"2026-11-25T15:00:00Z\",\"running_since\":null,\"last_start\":\""
                + JobsHandler.time(FakeSupervisorControl.NOW.minusSeconds(9 * 3600).atZone(java.time.ZoneId.systemDefault()))
                + "\",\"last_took_ms\":2000,\"last_ok\":true,\"last_result\":\"exited 0\"}");
        assertThat(jobs.get(1).string("running_since")).isEqualTo("2026-11-25T11:58:55Z");
        JsonObject run = result(call("run", "{\"name\":\"renew\"}"));
        assertThat(run.boolOr("ok", true)).isFalse();
        assertThat(run.string("result")).isEqualTo("exited 1");
        assertThat(run.longOr("took_ms", 0)).isEqualTo(2300);
        assertThat(run.strings("output")).containsExactly("Saving debug log", "renewal failed");
        JsonObject busy = call("run", "{\"name\":\"backup\"}");
        assertThat(errorCode(busy)).isEqualTo("BUSY");
        assertThat(busy.object("error").string("message")).isEqualTo("job backup is running since 11:58:55");
    }

    @Test
    void shutdownJobsRunAndVersion() throws Exception {
        assertThat(result(call("shutdown", "{}")).boolOr("shutting_down", false)).isTrue();
        assertThat(engine.shutdowns.get()).isEqualTo(1);
        assertThat(result(call("jobs", "{}")).array("jobs").size()).isZero();
        JsonObject run = call("run", "{\"name\":\"backup\"}");
        assertThat(errorCode(run)).isEqualTo("NO_SUCH_SERVICE");
        assertThat(run.object("error").string("message")).isEqualTo("no job named backup (no jobs are configured)");
        JsonObject v = result(call("version", "{}"));
        assertThat(v.longOr("pid", 0)).isEqualTo(ProcessHandle.current().pid());
        assertThat(v.longOr("protocol", 0)).isEqualTo(1);
    }

    @Test
    void garbageTruncatedAndUnknownRequestsGetErrorsOnTheSameConnection() throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            c.sendLine("hello svd");
            JsonObject garbage = c.read();
            assertThat(garbage.toJson()).isEqualTo("{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"BAD_REQUEST\","
                    + "\"message\":\"malformed JSON: unexpected 'h', expected a value at column 1\"}}");
            c.sendLine("{\"v\":1,\"id\":\"x\",\"cmd\":\"sta");
            assertThat(c.read().object("error").string("message")).isEqualTo("malformed JSON: unterminated string at column 27");
            c.sendRaw(new byte[] {'{', (byte) 0xff, '}', '\n'});
            assertThat(c.read().object("error").string("message")).isEqualTo("request line is not valid UTF-8");
            c.sendLine("{\"v\":1,\"id\":\"u\",\"cmd\":\"frobnicate\"}");
            JsonObject unknown = c.read();
            assertThat(unknown.string("id")).isEqualTo("u");
            assertThat(unknown.object("error").string("code")).isEqualTo("UNKNOWN_COMMAND");
            assertThat(unknown.object("error").string("message")).startsWith("unknown command \"frobnicate\" (known: status, start,");
            c.sendLine("[" .repeat(1000));
            assertThat(c.read().object("error").string("message")).isEqualTo("malformed JSON: nested deeper than 32 levels at column 33");
            c.sendLine("");
            assertThat(result(c.call("status", JsonObject.EMPTY)).array("services").size()).isEqualTo(4);
        }
    }

    @Test
    void anOversizedLineIsTooLargeAndClosed() throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            c.sendRaw(new byte[64 * 1024 + 1]);
            JsonObject line = c.read();
            assertThat(line.object("error").string("code")).isEqualTo("TOO_LARGE");
            assertThat(line.object("error").string("message")).isEqualTo("request line longer than 65536 bytes; connection closed");
            assertThat(c.read()).isNull();
        }
        result(call("status", "{}"));
    }

    @Test
    void aLineOfExactlyTheLimitIsRead() throws Exception {
        String prefix = "{\"v\":1,\"id\":\"";
        String suffix = "\",\"cmd\":\"version\"}";
        try (RawClient c = RawClient.connect(socket)) {
            c.sendLine(prefix + "x".repeat(64 * 1024 - prefix.length() - suffix.length()) + suffix);
            assertThat(c.read().object("error").string("message")).isEqualTo("\"id\": longer than 128 characters");
        }
    }

    @Test
    void aClientThatHangsUpMidLineDoesNotDisturbTheServer() throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            c.sendRaw("{\"v\":1,\"id\":\"1\",\"cmd\":\"st".getBytes());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> servers.get(0).activeConnections() == 0);
        result(call("status", "{}"));
    }

    @Test
    void anIdleClientIsToldAndClosed() throws Exception {
        Path path = tmp.resolve("idle/svd.sock");
        server(path, ROOT_ONLY, new ControlLimits(65536, Duration.ofMillis(300), Duration.ofSeconds(10), 4, 4, 0,
                Duration.ofSeconds(5), Duration.ofSeconds(5), 16)).start();
        try (RawClient c = RawClient.connect(path)) {
            c.sendRaw("{\"v\":1,".getBytes());
            JsonObject line = c.read();
            assertThat(line.object("error").toJson())
                    .isEqualTo("{\"code\":\"TIMEOUT\",\"message\":\"no complete request within 300ms; connection closed\"}");
            assertThat(c.read()).isNull();
        }
        try (RawClient c = RawClient.connect(path)) {
            result(c.call("version", JsonObject.EMPTY));
        }
    }

    @Test
    void oneClientTooManyIsBusyAndTheOthersAreServed() throws Exception {
        Path path = tmp.resolve("busy/svd.sock");
        ControlServer busy = server(path, ROOT_ONLY, new ControlLimits(65536, Duration.ofSeconds(30),
                Duration.ofSeconds(10), 2, 2, 0, Duration.ofSeconds(5), Duration.ofSeconds(5), 16));
        busy.start();
        try (RawClient a = RawClient.connect(path); RawClient b = RawClient.connect(path)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> busy.activeConnections() == 2);
            try (RawClient c = RawClient.connect(path)) {
                JsonObject line = c.read();
                assertThat(line.object("error").string("code")).isEqualTo("BUSY");
                assertThat(line.object("error").string("message")).isEqualTo("svd already serves 2 control clients; try again");
                assertThat(c.read()).isNull();
            }
            result(a.call("status", JsonObject.EMPTY));
            result(b.call("status", JsonObject.EMPTY));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> busy.activeConnections() == 0);
        try (RawClient c = RawClient.connect(path)) {
            result(c.call("status", JsonObject.EMPTY));
        }
    }

    @Test
    void aReadOnlyPeerMayReadButNotChange() throws Exception {
        Path path = tmp.resolve("ro/svd.sock");
        server(path, new AuthorizationPolicy(Set.of(12345), groupName(), ownGid(), Set.of()),
                ControlLimits.DEFAULT).start();
        try (RawClient c = RawClient.connect(path)) {
            result(c.call("status", JsonObject.EMPTY));
            result(c.call("version", JsonObject.EMPTY));
            JsonObject refused = c.call("stop", args("{\"names\":[\"web\"]}"));
            assertThat(refused.object("error").string("code")).isEqualTo("PERMISSION_DENIED");
            assertThat(refused.object("error").string("message")).startsWith("permission denied: user "
                    + System.getProperty("user.name") + " may not run stop (full access: uid 12345; read-only: group ");
            assertThat(errorCode(c.call("reread", JsonObject.EMPTY))).isEqualTo("PERMISSION_DENIED");
        }
        assertThat(engine.service("web").orElseThrow().state().label()).isEqualTo("running");
        assertThat(logs.list).anySatisfy(e -> {
            assertThat(e.getLevel().toString()).isEqualTo("WARN");
            assertThat(e.getFormattedMessage()).startsWith("control: refused stop from user ");
        });
    }

    @Test
    void aStrangerMayDoNothing() throws Exception {
        Path path = tmp.resolve("none/svd.sock");
        server(path, new AuthorizationPolicy(Set.of(12345), null, -1, Set.of()), ControlLimits.DEFAULT)
                .start();
        try (RawClient c = RawClient.connect(path)) {
            assertThat(errorCode(c.call("status", JsonObject.EMPTY))).isEqualTo("PERMISSION_DENIED");
        }
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path path = tmp.resolve("stale/svd.sock");
        Files.createDirectories(path.getParent());
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close(); // the file stays, as after a crash
        assertThat(path).exists();
        server(path, ROOT_ONLY, ControlLimits.DEFAULT).start();
        try (RawClient c = RawClient.connect(path)) {
            result(c.call("version", JsonObject.EMPTY));
        }
    }

    @Test
    void aSecondSvdOnALiveSocketRefusesToStartNamingThePid() {
        ControlServer second = server(socket, ROOT_ONLY, ControlLimits.DEFAULT);
        assertThatThrownBy(second::start)
                .isInstanceOf(AlreadyRunningException.class)
                .hasMessage("svd is already running on " + socket + ", pid " + ProcessHandle.current().pid());
        assertThat(socket).exists();
    }

    @Test
    void closeRemovesTheSocketAndEndsStreams() throws Exception {
        try (RawClient c = RawClient.connect(socket)) {
            c.sendLine("{\"v\":1,\"id\":\"f\",\"cmd\":\"events\",\"args\":{\"limit\":0,\"follow\":true}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.eventFollowers() == 1);
            servers.get(0).close();
            assertThat(c.read()).isNull();
        }
        assertThat(socket).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.eventFollowers() == 0);
    }
}
