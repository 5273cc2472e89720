package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import dev.svd.testing.Ports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sockets held by svd (docs/sockets.md) against a real svd through svctl: the fixture
 * {@code sockets/listen_report.py} reports its pid, its LISTEN_* variables and every descriptor it
 * got; svd passes exactly its sockets at 3, 4, ... with LISTEN_PID the process's own pid, keeps them
 * while the service is down (a connection made then is answered by the next process), fails a start
 * or an update whose socket cannot be bound naming the address, and closes the socket of a service
 * an update removes. The fixture's pids are under {@code pids/}, which {@link SvdProcess#close} SIGKILLs.
 */
@Timeout(240)
class SocketActivationIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Path conf;
    private Path report;
    private String fixture;
    private SvdProcess svd;
    private SvctlProcess svctl;

    @BeforeEach
    void paths() throws Exception {
        conf = dir.resolve("svd.conf");
        report = dir.resolve("report.jsonl");
        Files.createDirectories(dir.resolve("pids"));
        fixture = Path.of(SocketActivationIT.class.getResource("/sockets/listen_report.py").toURI()).toString();
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

    @Test
    void theProcessGetsExactlyItsSocketsAtThreeAndFourWithItsOwnPidInListenPid() throws Exception {
        int port = Ports.freePort();
        Path unix = dir.resolve("admin.sock");
        writeConfig(service("app", "{ listen = \"127.0.0.1:" + port + "\", name = http }, { listen = \"" + unix
                + "\", name = admin, mode = \"0600\" }", "sockets-env = nginx\n"
                + "environment { \"FOO-BAR\" = \"dash drops it\", \"log.level\" = debug, PLAIN = kept }\n"));
        start();

        JsonObject first = awaitReports(1).get(0);
        long pid = first.longOr("pid", 0);
        JsonObject env = first.object("env");
        assertThat(env.string("LISTEN_PID")).as("LISTEN_PID is the process's own pid").isEqualTo(Long.toString(pid));
        assertThat(env.string("LISTEN_FDS")).isEqualTo("2");
        assertThat(env.string("LISTEN_FDNAMES")).isEqualTo("http:admin");
        assertThat(env.string("NGINX")).isEqualTo("3;4;");
        // the shell that sets LISTEN_PID drops names that are not shell names; they must arrive anyway
        assertThat(env.string("FOO-BAR")).isEqualTo("dash drops it");
        assertThat(env.string("log.level")).isEqualTo("debug");
        assertThat(env.string("PLAIN")).isEqualTo("kept");
        JsonObject fds = first.object("fds");
        assertThat(fds.members().keySet()).as("no other descriptor of svd's reaches the service: %s", fds)
                .containsExactly("3", "4");
        assertThat(fds.object("3").string("address")).isEqualTo("127.0.0.1:" + port);
        assertThat(fds.object("4").string("address")).isEqualTo(unix.toString());
        for (String fd : List.of("3", "4")) {
            assertThat(fds.object(fd).boolOr("listening", false)).isTrue();
            assertThat(fds.object(fd).boolOr("cloexec", true)).as("fd %s survives exec", fd).isFalse();
        }
        assertThat(Integer.toOctalString(((Integer) Files.getAttribute(unix, "unix:mode")) & 0777)).isEqualTo("600");

        SvctlProcess.Result status = svctl.run("status", "app");
        assertThat(status.out()).contains("app: socket 127.0.0.1:" + port + " (name http, fd 3, held by svd)\n"
                + "app: socket " + unix + " (name admin, fd 4, held by svd)\n");
        JsonObject app = service(svctl.run("status", "app", "--json").out());
        assertThat(app.array("sockets").items()).containsExactly(
                JsonObject.builder().put("listen", "127.0.0.1:" + port).put("name", "http").put("fd", 3).build(),
                JsonObject.builder().put("listen", unix.toString()).put("name", "admin").put("fd", 4).build());
    }

    @Test
    void whileTheServiceIsDownAConnectionWaitsAndTheNextProcessAnswersIt() throws Exception {
        int port = Ports.freePort();
        writeConfig(service("app", "{ listen = \"127.0.0.1:" + port + "\" }", ""));
        start();
        long firstPid = awaitReports(1).get(0).longOr("pid", 0);
        assertThat(ask(port)).isEqualTo(Long.toString(firstPid));

        SvctlProcess.Result stop = svctl.run("stop", "app", "--timeout", "30s");
        assertThat(stop.exit()).as(stop.out() + stop.err()).isZero();
        try (Socket waiting = new Socket()) {
            waiting.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            waiting.setSoTimeout((int) BOUND.toMillis());
            SvctlProcess.Result start = svctl.run("start", "app", "--timeout", "30s");
            assertThat(start.exit()).as(start.out() + start.err()).isZero();

            String answer = new BufferedReader(new InputStreamReader(waiting.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            long secondPid = awaitReports(2).get(1).longOr("pid", 0);
            assertThat(answer).as("the connection made while app was stopped").isEqualTo(Long.toString(secondPid));
            assertThat(secondPid).isNotEqualTo(firstPid);
        }
        JsonObject second = awaitReports(2).get(1);
        assertThat(second.object("env").string("LISTEN_PID")).isEqualTo(Long.toString(second.longOr("pid", 0)));
        assertThat(second.object("env").string("NGINX")).as("sockets-env = systemd sets no NGINX").isNull();
    }

    @Test
    void aSocketThatCannotBeBoundFailsTheStartAndTheUpdateNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int busy = taken.getLocalPort();
            int free = Ports.freePort();
            writeConfig(service("app", "{ listen = \"127.0.0.1:" + free + "\" }", "")
                    + service("web", "{ listen = \"127.0.0.1:" + busy + "\" }", ""));
            start();
            long appPid = awaitReports(1).get(0).longOr("pid", 0);

            SvctlProcess.Result web = svctl.run("start", "web", "--timeout", "30s");
            assertThat(web.exit()).isNotZero();
            assertThat(web.out() + web.err()).contains("cannot listen on 127.0.0.1:" + busy + ": Address already in use");
            await().atMost(BOUND).untilAsserted(() -> assertThat(service(svctl.run("status", "--json").out(), "web")
                    .string("reason")).contains("cannot listen on 127.0.0.1:" + busy + ": Address already in use"));

            int other = Ports.freePort();
            writeConfig(service("app", "{ listen = \"127.0.0.1:" + free + "\" }, { listen = \"127.0.0.1:" + busy + "\" }",
                    "") + service("web", "{ listen = \"127.0.0.1:" + other + "\" }", ""));
            SvctlProcess.Result update = svctl.run("update");

            assertThat(update.exit()).as(update.out()).isNotZero();
            assertThat(update.out() + update.err()).contains("app: cannot listen on 127.0.0.1:" + busy
                    + ": Address already in use");
            assertThat(awaitReports(1)).as("app was not restarted").hasSize(1);
            assertThat(service(svctl.run("status", "--json").out(), "app").longOr("pid", 0)).isEqualTo(appPid);
            assertThat(canBind(other)).as("the refused update closed what it had bound").isTrue();
        }
    }

    @Test
    void anUpdateThatRemovesAServiceClosesItsSocket() throws Exception {
        int port = Ports.freePort();
        int keep = Ports.freePort();
        writeConfig(service("app", "{ listen = \"127.0.0.1:" + port + "\" }", "")
                + service("other", "{ listen = \"127.0.0.1:" + keep + "\" }", ""));
        start();
        awaitReports(2);
        assertThat(canBind(port)).isFalse();

        writeConfig(service("other", "{ listen = \"127.0.0.1:" + keep + "\" }", ""));
        SvctlProcess.Result update = svctl.run("update");

        assertThat(update.exit()).as(update.out() + update.err()).isZero();
        await().atMost(BOUND).untilAsserted(() -> assertThat(canBind(port)).as("the port is free again").isTrue());
        assertThat(canBind(keep)).as("the other service's socket stays").isFalse();
    }

    @Test
    void aServiceThatEndsForGoodHasItsSocketClosedSoThatClientsAreRefusedAtOnce() throws Exception {
        int port = Ports.freePort();
        int kept = Ports.freePort();
        writeConfig("services.once {\n  command = [\"/bin/sh\", \"-c\", \"exit 0\"]\n  restart = never\n"
                + "  start-seconds = 0s\n  sockets = [{ listen = \"127.0.0.1:" + port + "\" }]\n}\n"
                + service("app", "{ listen = \"127.0.0.1:" + kept + "\" }", ""));
        start();
        awaitReports(1);

        await().atMost(BOUND).untilAsserted(() -> assertThat(service(svctl.run("status", "--json").out(), "once")
                .string("state")).isEqualTo("exited"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(canBind(port)).as("once's socket is closed").isTrue());
        assertThat(service(svctl.run("status", "--json").out(), "once").array("sockets").items()).isEmpty();
        SvctlProcess.Result stop = svctl.run("stop", "app", "--timeout", "30s");
        assertThat(stop.exit()).as(stop.out() + stop.err()).isZero();
        assertThat(canBind(kept)).as("a stopped service's socket stays held").isFalse();
    }

    @Test
    void anIpv6SocketIsPassedAndAStaleUnixSocketFileIsReplaced() throws Exception {
        boolean ipv6;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            ipv6 = true;
        } catch (java.io.IOException e) {
            ipv6 = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ipv6, "this machine has no IPv6 loopback");
        int port = Ports.freePort();
        Path unix = dir.resolve("stale.sock");
        try (java.nio.channels.ServerSocketChannel crashed = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            crashed.bind(java.net.UnixDomainSocketAddress.of(unix)); // closed below: its file stays, stale
        }
        assertThat(Files.exists(unix)).isTrue();
        writeConfig(service("app", "{ listen = \"[::1]:" + port + "\" }, { listen = \"" + unix + "\" }", ""));
        start();

        JsonObject fds = awaitReports(1).get(0).object("fds");
        assertThat(fds.object("3").string("address")).isEqualTo("::1:" + port);
        assertThat(fds.object("4").string("address")).isEqualTo(unix.toString());
        try (Socket s = new Socket(InetAddress.getByName("::1"), port)) {
            s.setSoTimeout((int) BOUND.toMillis());
            assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine())
                    .isEqualTo(Long.toString(awaitReports(1).get(0).longOr("pid", 0)));
        }

        svd.signal("TERM");
        assertThat(svd.awaitExit(BOUND)).isZero();
        assertThat(Files.exists(unix)).as("svd removed its socket file when it closed the socket").isFalse();
    }

    private void start() throws Exception {
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
    }

    private String service(String name, String sockets, String extra) {
        return "services." + name + " {\n"
                + "  command = [\"/usr/bin/python3\", \"" + fixture + "\", \"" + report + "\", \"" + dir.resolve("pids/"
                + name + ".pid") + "\"]\n"
                + "  sockets = [" + sockets + "]\n"
                + "  start-seconds = 0s\n"
                + "  stop.timeout = 5s\n"
                + extra
                + "}\n";
    }

    private void writeConfig(String services) throws Exception {
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\n" + services);
    }

    private List<JsonObject> awaitReports(int count) throws Exception {
        await().atMost(BOUND).until(() -> reports().size() >= count);
        return reports();
    }

    private List<JsonObject> reports() throws Exception {
        if (!Files.exists(report)) {
            return List.of();
        }
        List<JsonObject> found = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(report)) {
            if (line.endsWith("}")) {
                found.add((JsonObject) JsonParser.parse(line));
            }
        }
        return found;
    }

    private static JsonObject service(String statusJson) throws Exception {
        return (JsonObject) ((JsonObject) JsonParser.parse(statusJson.trim())).array("services").items().get(0);
    }

    private static JsonObject service(String statusJson, String name) throws Exception {
        for (JsonValue v : ((JsonObject) JsonParser.parse(statusJson.trim())).array("services").items()) {
            if (((JsonObject) v).requireString("name").equals(name)) {
                return (JsonObject) v;
            }
        }
        throw new AssertionError("no service " + name + " in " + statusJson);
    }

    private static String ask(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) BOUND.toMillis());
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
