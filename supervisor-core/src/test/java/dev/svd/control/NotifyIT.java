package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, the notify protocol (docs/notify.md), through svctl against a real svd: services speak
 * it with a small python3 client of sd_notify(3) written by the test (socket.AF_UNIX, SOCK_DGRAM,
 * like gunicorn's gunicorn/systemd.py). Every service writes its pid under {@code pids/}, which
 * {@link SvdProcess#close} kills, also when a test fails; senders the test starts itself are
 * waited for.
 */
class NotifyIT {
    /** Generous: two cores shared with other work, and every svctl run is a JVM start. */
    private static final Duration BOUND = Duration.ofSeconds(90);
    /**
     * The client: {@code notify.py PIDFILE ADDRESS MODE ARGS...}. ADDRESS "-" is $NOTIFY_SOCKET. MODE
     * {@code send}: each ARG is one datagram (a text, in which the two characters backslash and n
     * stand for a newline; {@code hex:...} raw bytes; {@code wait:PATH} sends nothing but waits until
     * PATH exists), then exit;
     * {@code serve}: send each ARG, then sleep; {@code feed SECONDS}: READY=1, then WATCHDOG=1 every SECONDS;
     * {@code reloadable confirm|silent}: READY=1, and on SIGHUP RELOADING=1 and READY=1 (or nothing);
     * {@code mainpid PID}: MAINPID= of a sleep child it starts (pid in PIDFILE.child), MAINPID=PID, READY=1.
     */
    private static final String CLIENT = """
            import os, socket, sys, time
            pidfile, address, mode, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
            if pidfile != "-":
                with open(pidfile, "a") as f:
                    f.write("%d\\n" % os.getpid())
            if address == "-":
                address = os.environ["NOTIFY_SOCKET"]
            if address.startswith("@"):
                address = "\\0" + address[1:]
            def send(data):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.connect(address)
                s.send(data)
                s.close()
            def datagram(arg):
                return bytes.fromhex(arg[4:]) if arg.startswith("hex:") else arg.replace("\\\\n", "\\n").encode("utf-8")
            if mode == "reloadable":
                import signal
                def hup(*_):
                    if args[0] == "confirm":
                        send(b"RELOADING=1")
                        send(b"READY=1")
                signal.signal(signal.SIGHUP, hup)
                send(b"READY=1")
                while True:
                    time.sleep(3600)
            if mode == "mainpid":
                import subprocess
                child = subprocess.Popen(["sleep", "100000"])
                with open(pidfile + ".child", "a") as f:
                    f.write("%d\\n" % child.pid)
                send(("MAINPID=%d" % child.pid).encode())
                send(("MAINPID=%s" % args[0]).encode())
                send(b"READY=1")
                while True:
                    time.sleep(3600)
            if mode == "feed":
                with open(os.path.join(os.path.dirname(os.path.dirname(pidfile)), os.path.basename(pidfile) + ".env"), "w") as f:
                    f.write("%s %s" % (os.environ.get("WATCHDOG_PID"), os.environ.get("WATCHDOG_USEC")))
                send(b"READY=1")
                while True:
                    send(b"WATCHDOG=1")
                    time.sleep(float(args[0]))
            for a in args:
                if a.startswith("wait:"):
                    while not os.path.exists(a[5:]):
                        time.sleep(0.05)
                    continue
                send(datagram(a))
            if mode == "serve":
                while True:
                    time.sleep(3600)
            """;

    @TempDir
    Path dir;
    private Path pids;
    private Path client;
    private SvdProcess svd;
    private SvctlProcess svctl;
    private final List<Process> senders = new ArrayList<>();

    @BeforeEach
    void paths() throws IOException {
        pids = Files.createDirectories(dir.resolve("pids"));
        client = dir.resolve("notify.py");
        Files.writeString(client, CLIENT);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : senders) {
            p.destroyForcibly();
        }
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
    }

    /**
     * READY=1 marks a {@code ready { notify = true }} service ready (nothing polled: it has no probe),
     * STATUS= shows in svctl status (human and --json), and a dependent starts only after READY=1.
     */
    @Test
    void readyAndStatusFromTheServiceReachSvctlStatus() throws Exception {
        Path gate = dir.resolve("gate");
        // A child of the main process sends STATUS= (and stays, so svd finds it in /proc: a sender that is
        // gone when its datagram is read cannot be told apart from a stranger, notify.md); the main
        // process waits for the gate, then sends READY=1.
        String prelude = "/usr/bin/python3 " + client + " " + pids + "/web-child.pid - serve 'STATUS=warming up' & ";
        startSvd(service("web", "serve", List.of("wait:" + gate, "READY=1\\nSTATUS=serving 3 workers"),
                "ready { notify = true, start-timeout = 60s }", prelude)
                + "  after { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + pids + "/after.pid; exec sleep 100000\"],"
                + " depends-on = [web] }\n");
        await().atMost(BOUND).until(() -> "warming up".equals(status("web").string("status_text")));
        JsonObject starting = status("web");
        assertThat(starting.string("state")).isEqualTo("running");
        assertThat(starting.boolOr("ready", false)).as("not ready before READY=1").isFalse();
        assertThat(recordedPids("after")).as("a dependent waits for READY=1").isEmpty();

        Files.writeString(gate, "");
        await().atMost(BOUND).until(() -> status("web").boolOr("ready", false));
        await().atMost(BOUND).until(() -> recordedPids("after").size() == 1);

        JsonObject web = status("web");
        assertThat(web.string("status_text")).isEqualTo("serving 3 workers");
        assertThat(web.string("probe")).as("nothing was polled").isNull();
        assertThat(web.longOr("pid", -1)).isEqualTo(recordedPids("web").get(0));
        SvctlProcess.Result shown = svctl.run("status", "web");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("web: status: serving 3 workers");
        assertThat(svd.stdout()).contains("web: ready (READY=1 from pid " + recordedPids("web").get(0) + ")");
        JsonObject counts = notifyCounts();
        assertThat(counts.longOr("accepted", -1)).isEqualTo(2);
        assertThat(counts.longOr("refused", -1)).isZero();
        assertThat(counts.string("socket")).isEqualTo(dir.resolve("state/notify").toString());
    }

    /**
     * A datagram from a process outside every service (the test's own child) and one from a process of
     * another service that does not use notify are refused, counted and logged with their pids; neither
     * changes the notify service's status.
     */
    @Test
    void datagramsFromOutsideTheServiceAreRefusedAndCounted() throws Exception {
        Path address = dir.resolve("state/notify");
        startSvd(service("web", "serve", List.of("READY=1\\nSTATUS=mine"), "ready { notify = true }", "")
                + "  plain { command = [\"/usr/bin/python3\", \"" + client + "\", \"" + pids + "/plain.pid\", \"" + address
                + "\", \"serve\", \"STATUS=not yours\"] }\n",
                Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "1000", "WATCHDOG_PID", "1")); // as under systemd
        await().atMost(BOUND).until(() -> status("web").boolOr("ready", false) && recordedPids("plain").size() == 1);
        await().atMost(BOUND).until(() -> notifyCounts().longOr("refused", -1) == 1);
        String plainEnv = Files.readString(Path.of("/proc", recordedPids("plain").get(0).toString(), "environ"));
        assertThat(plainEnv).as("svd's own NOTIFY_SOCKET is not passed on").doesNotContain("NOTIFY_SOCKET")
                .doesNotContain("WATCHDOG_");

        Process outsider = send(address.toString(), "STATUS=hijacked", "READY=1");
        await().atMost(BOUND).until(() -> notifyCounts().longOr("refused", -1) == 3);

        assertThat(status("web").string("status_text")).isEqualTo("mine");
        assertThat(status("plain").string("status_text")).as("plain does not use notify").isNull();
        String log = svd.stdout();
        assertThat(log).contains("notify: refused a datagram from pid " + recordedPids("plain").get(0) + " (")
                .contains("it is a process of plain, which does not use notify");
        assertThat(log).contains("notify: refused a datagram from pid " + outsider.pid() + " (/usr/bin/python3 " + client)
                .contains("it is no process of any service");
        assertThat(notifyCounts().longOr("accepted", -1)).isEqualTo(1);
    }

    /**
     * A watchdog that is not fed restarts its service (a liveness failure, with the reason); one that is
     * fed is left alone meanwhile: it is still its first process after the unfed one's second restart.
     */
    @Test
    void anUnfedWatchdogRestartsTheServiceAndAFedOneDoesNot() throws Exception {
        startSvd(service("hung", "serve", List.of("READY=1"), "ready { notify = true }, watchdog = 1s", "")
                + service("fed", "feed", List.of("0.2"), "ready { notify = true }, watchdog = 5s", ""));
        await().atMost(BOUND).until(() -> recordedPids("hung").size() >= 3);

        assertThat(svd.stdout()).containsPattern("hung: running -> stopping \\(watchdog: no WATCHDOG=1 for 1s; sent"
                + " SIGTERM to process group " + recordedPids("hung").get(0) + "\\)");
        assertThat(svd.stdout()).contains("hung: watchdog: no WATCHDOG=1 for 1s (pid " + recordedPids("hung").get(0)
                + "); restarting it");
        JsonObject fed = status("fed");
        assertThat(recordedPids("fed")).as("svd's log:\n%s", svd.stdout()).hasSize(1);
        assertThat(fed.string("state")).isEqualTo("running");
        assertThat(fed.longOr("restarts", -1)).isZero();
        assertThat(fed.longOr("pid", -1)).isEqualTo(recordedPids("fed").get(0));
        assertThat(status("hung").longOr("restarts", -1)).isGreaterThanOrEqualTo(2);
        assertThat(Files.readString(dir.resolve("fed.pid.env"))).as("WATCHDOG_PID is its own pid")
                .isEqualTo(recordedPids("fed").get(0) + " 5000000");
    }

    /**
     * Garbage on the socket (empty, not UTF-8, too long, no assignment, NUL) is counted and dropped: the
     * service keeps its process and status, and the socket still works (a restarted process notifies).
     */
    @Test
    void garbageIsCountedAndDisturbsNothing() throws Exception {
        Path address = dir.resolve("state/notify");
        startSvd(service("web", "serve", List.of("READY=1\\nSTATUS=fine"), "ready { notify = true }", ""));
        await().atMost(BOUND).until(() -> status("web").boolOr("ready", false));
        long pid = recordedPids("web").get(0);

        Process junk = send(address.toString(), "", "hex:e9e9ff", "x".repeat(5000), "hello", "hex:52454144593d3100",
                "NONSENSE=1\nREADY");
        await().atMost(BOUND).until(() -> notifyCounts().longOr("garbage", -1) == 5);
        assertThat(notifyCounts().longOr("refused", -1)).as("the valid-looking one is from no service").isEqualTo(1);
        JsonObject web = status("web");
        assertThat(web.longOr("pid", -1)).isEqualTo(pid);
        assertThat(web.string("status_text")).isEqualTo("fine");
        assertThat(svd.stdout()).contains("notify socket: ignored a datagram from pid " + junk.pid())
                .contains("not UTF-8").contains("longer than 4096 bytes");

        SvctlProcess.Result restart = svctl.run("restart", "web");
        assertThat(restart.exit()).as(restart.err()).isZero();
        await().atMost(BOUND).until(() -> recordedPids("web").size() == 2 && status("web").boolOr("ready", false));
        assertThat(status("web").string("status_text")).isEqualTo("fine");
    }

    /**
     * {@code reload.confirm = notify}: svctl reload succeeds on RELOADING=1 then READY=1, and a service
     * that sends neither is reported after reload.timeout with what was missing.
     */
    @Test
    void aReloadIsConfirmedByReloadingThenReady() throws Exception {
        String reload = "ready { notify = true }, reload { confirm = notify, timeout = 2s }";
        startSvd(service("web", "reloadable", List.of("confirm"), reload, "")
                + service("mute", "reloadable", List.of("silent"), reload, ""));
        await().atMost(BOUND).until(() -> status("web").boolOr("ready", false) && status("mute").boolOr("ready", false));

        SvctlProcess.Result ok = svctl.run("reload", "web");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("reloaded: pid " + recordedPids("web").get(0) + " sent RELOADING=1, then READY=1");

        SvctlProcess.Result mute = svctl.run("reload", "mute");
        assertThat(mute.exit()).as(mute.out()).isNotZero();
        assertThat(mute.err()).contains("mute: sent SIGHUP to pid " + recordedPids("mute").get(0) + ", but it sent no"
                + " RELOADING=1 within 2s");
        assertThat(status("mute").string("state")).as("an unconfirmed reload stops nothing").isEqualTo("running");
    }

    /** EXTEND_TIMEOUT_USEC= keeps a start alive past ready.start-timeout until READY=1 comes. */
    @Test
    void extendTimeoutLetsASlowStartOutliveItsStartTimeout() throws Exception {
        Path gate = dir.resolve("gate");
        startSvd(service("slow", "serve", List.of("EXTEND_TIMEOUT_USEC=120000000", "wait:" + gate, "READY=1"),
                "ready { notify = true, start-timeout = 2s }", ""));
        await().atMost(BOUND).until(() -> status("slow").longOr("uptime_s", -1) >= 4
                || !"running".equals(status("slow").string("state")));
        JsonObject waiting = status("slow");
        assertThat(waiting.string("state")).as("svd's log:\n%s", svd.stdout()).isEqualTo("running");
        assertThat(waiting.boolOr("ready", true)).isFalse();

        Files.writeString(gate, "");
        await().atMost(BOUND).until(() -> status("slow").boolOr("ready", false));
        assertThat(status("slow").longOr("restarts", -1)).isZero();
    }

    /**
     * MAINPID= naming a child of the service is taken and shown; naming a process outside it (the test's
     * JVM) is refused and counted.
     */
    @Test
    void mainPidIsTakenOnlyForAProcessOfTheService() throws Exception {
        long outsider = ProcessHandle.current().pid();
        startSvd(service("web", "mainpid", List.of(Long.toString(outsider)), "ready { notify = true }", ""));
        await().atMost(BOUND).until(() -> status("web").boolOr("ready", false));
        long child = Long.parseLong(Files.readAllLines(pids.resolve("web.pid.child")).get(0).trim());

        assertThat(status("web").longOr("main_pid", -1)).isEqualTo(child);
        assertThat(notifyCounts().longOr("refused", -1)).isEqualTo(1);
        assertThat(svd.stdout()).contains("MAINPID=" + outsider + " is no process of web");
        SvctlProcess.Result shown = svctl.run("status", "web");
        assertThat(shown.out()).contains("web: main pid (MAINPID=): " + child);
    }

    /** systemd's own client, systemd-notify, which nobody here wrote: READY=1 and STATUS= from a shell script. */
    @Test
    void systemdNotifyFromAShellScriptIsUnderstood() throws Exception {
        startSvd("  web { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + pids + "/web.pid; systemd-notify --ready"
                + " --status='warming up'; exec sleep 100000\"], start-seconds = 0s, ready { notify = true } }\n");
        await().atMost(BOUND).until(() -> status("web").boolOr("ready", false));
        assertThat(status("web").string("status_text")).isEqualTo("warming up");
    }

    // ---- fixture --------------------------------------------------------------------------------

    /** A service running the client in {@code mode} with {@code args}, after an optional shell {@code prelude}. */
    private String service(String name, String mode, List<String> args, String extra, String prelude) {
        StringBuilder argv = new StringBuilder();
        for (String a : args) {
            argv.append(" '").append(a).append('\'');
        }
        String script = prelude + "exec /usr/bin/python3 " + client + " " + pids + "/" + name + ".pid - " + mode + argv;
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", " + quote(script) + "], start-seconds = 0s, " + extra + " }\n";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Sends each datagram from a new python3 process, a child of the test's JVM: outside every service.
     * It stays (killed after the test), so svd finds it in /proc when the datagrams arrive.
     */
    private Process send(String address, String... datagrams) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", client.toString(), "-", address, "serve"));
        cmd.addAll(List.of(datagrams));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("send.out").toFile()).start();
        senders.add(p);
        return p;
    }

    private void startSvd(String services) throws IOException {
        startSvd(services, Map.of());
    }

    /** svd with {@code env} added to its own environment. */
    private void startSvd(String services, Map<String, String> env) throws IOException {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\nservices {\n" + services + "}\n");
        svd = SvdProcess.start(dir, env, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        await().atMost(BOUND).until(() -> Files.exists(dir.resolve("svd.sock")));
    }

    private JsonObject statusAnswer() throws Exception {
        SvctlProcess.Result r = svctl.run("status", "--json");
        assertThat(r.exit()).as("svctl status --json: %s\nsvd's stdout:\n%s", r.err(), svd.stdout()).isIn(0, 3);
        return (JsonObject) JsonParser.parse(r.out().trim());
    }

    private JsonObject status(String name) throws Exception {
        Map<String, JsonObject> m = new LinkedHashMap<>();
        for (JsonValue v : statusAnswer().array("services").items()) {
            JsonObject s = (JsonObject) v;
            m.put(s.requireString("name"), s);
        }
        return m.get(name);
    }

    private JsonObject notifyCounts() throws Exception {
        return statusAnswer().object("notify");
    }

    private List<Long> recordedPids(String name) throws IOException {
        Path f = pids.resolve(name + ".pid");
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim()))
                .toList() : List.of();
    }
}
