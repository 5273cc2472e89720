package dev.svd.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.control.SvctlProcess;
import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import dev.svd.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: Debian's gunicorn 20.1 with the repository's Django app (conf/app) under a real svd, with
 * {@code ready { notify = true }} and no probe at all: its arbiter's {@code READY=1} (sent once it
 * listens, when NOTIFY_SOCKET is set: gunicorn/arbiter.py) marks it ready, its {@code STATUS=} shows
 * in svctl status, a dependent starts after it, and Django answers; a restart is ready again by the
 * new master's READY=1. svd is stopped with SIGTERM after each test (it stops gunicorn's group);
 * every master pid seen is also killed with its group.
 */
class GunicornNotifyIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Pattern READY = Pattern.compile("gunicorn: ready \\(READY=1 from pid (\\d+)\\)");

    @TempDir
    Path dir;
    private SvdProcess svd;
    private SvctlProcess svctl;
    private final List<Long> masters = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (svd != null && svd.isAlive()) {
            svd.signal("TERM");
            svd.awaitExit(BOUND);
        }
        for (long pid : masters) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("kill.out").toFile()).start().waitFor();
        }
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
    }

    @Test
    void gunicornIsReadyByItsOwnReadyNotificationWithoutAnHttpProbe() throws Exception {
        int port = Ports.freePort();
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 20s }\nservices {\n"
                + "  gunicorn {\n"
                + "    profile = gunicorn\n"
                + "    command = [\"/usr/bin/gunicorn\", \"--chdir\", \"" + repository().resolve("conf/app") + "\","
                + " \"--workers\", \"2\", \"--bind\", \"127.0.0.1:" + port + "\", \"--graceful-timeout\", \"4\","
                + " \"baseball.wsgi:application\"]\n"
                + "    environment { BASEBALL_DOMAIN = \"totheballpark.test\", PYTHONDONTWRITEBYTECODE = \"1\" }\n"
                + "    start-seconds = 0s\n"
                + "    ready { notify = true, start-timeout = 90s }\n"
                + "  }\n"
                + "  after { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/after.pid; exec sleep 100000\"],"
                + " depends-on = [gunicorn] }\n"
                + "}\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));

        try {
            await().atMost(BOUND).until(() -> status("gunicorn") != null && status("gunicorn").boolOr("ready", false));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("gunicorn not ready; svd's log:\n" + svd.stdout() + svd.stderr(), e);
        }
        JsonObject g = status("gunicorn");
        long master = g.longOr("pid", -1);
        masters.add(master);
        assertThat(g.string("state")).isEqualTo("running");
        assertThat(g.string("status_text")).isEqualTo("Gunicorn arbiter booted");
        assertThat(g.string("probe")).as("no probe ran").isNull();
        assertThat(readyPids()).as("svd's log:\n%s", svd.stdout()).containsExactly(master);
        await().atMost(BOUND).until(() -> Files.exists(dir.resolve("pids/after.pid")));
        await().atMost(BOUND).until(() -> django(port) == 200);
        SvctlProcess.Result shown = svctl.run("status", "gunicorn");
        assertThat(shown.out()).contains("gunicorn: status: Gunicorn arbiter booted");

        SvctlProcess.Result restart = svctl.run("restart", "gunicorn");
        assertThat(restart.exit()).as(restart.err()).isZero();
        await().atMost(BOUND).until(() -> status("gunicorn").boolOr("ready", false)
                && status("gunicorn").longOr("pid", -1) != master);
        long second = status("gunicorn").longOr("pid", -1);
        masters.add(second);
        await().atMost(BOUND).until(() -> readyPids().size() == 2);
        assertThat(readyPids()).containsExactly(master, second);
    }

    private List<Long> readyPids() {
        List<Long> pids = new ArrayList<>();
        Matcher m = READY.matcher(svd.stdout());
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    /** The status of Django's /healthz with the site's Host header (the JDK's HttpClient may not set Host). */
    private static int django(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /healthz HTTP/1.0\r\nHost: totheballpark.test\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return line == null ? -1 : Integer.parseInt(line.split(" ")[1]);
        } catch (Exception e) {
            return -1;
        }
    }

    private JsonObject status(String name) throws Exception {
        SvctlProcess.Result r = svctl.run("status", "--json");
        if (r.exit() != 0 && r.exit() != 3) {
            return null; // svd not listening yet
        }
        for (JsonValue v : ((JsonObject) JsonParser.parse(r.out().trim())).array("services").items()) {
            if (name.equals(((JsonObject) v).string("name"))) {
                return (JsonObject) v;
            }
        }
        return null;
    }

    /** The repository root: failsafe runs in supervisor-core/. */
    private static Path repository() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/svd.conf"))) {
                return p;
            }
        }
        throw new IllegalStateException("no conf/svd.conf above " + System.getProperty("user.dir"));
    }
}
