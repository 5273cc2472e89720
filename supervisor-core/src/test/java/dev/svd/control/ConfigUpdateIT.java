package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, point 4: {@code svctl update} applies every change it reports, at once, and says how:
 * a changed command or environment restarts the service (a new pid, the new setting visible to the
 * process), a changed probe, stop, reload or depends-on is in effect without a restart (the same
 * pid); afterwards {@code svctl reread} reports nothing pending. Each kind of change is tried with
 * and without a dependent, which keeps running. And point 6: {@code svctl stop} and {@code start}
 * name the other services they stopped or started because of a dependency.
 * <p>
 * A real svd and svctl, each its own JVM. The service {@code app} is a shell that records its
 * starts ({@code app.starts}: pid, command tag, environment) and the stop and reload signals it
 * gets; its probes go to an HTTP server in this test that records each request's Host header.
 */
@Timeout(300)
class ConfigUpdateIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Path pids;
    private Path conf;
    private SvdProcess svd;
    private SvctlProcess svctl;
    private HttpServer probes;
    /** "path Host" of every probe request, e.g. "/health h1.test". */
    private final Queue<String> probed = new ConcurrentLinkedQueue<>();
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();

    /** The settings of app that a case edits. */
    record App(String tag, String mark, String healthHost, String readyHost, String stopSignal, String reloadSignal,
               boolean dependsOnBase) {
        static final App FIRST = new App("v1", "e1", "h1.test", "r1.test", "TERM", "HUP", false);
    }

    @BeforeEach
    void setUp() throws IOException {
        pids = Files.createDirectories(dir.resolve("pids"));
        conf = dir.resolve("svd.conf");
        probes = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        probes.createContext("/", exchange -> {
            probed.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        probes.start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        probes.stop(0);
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
        for (long pid : seen) {
            if (ProcessHandle.of(pid).isPresent()) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + pid).inheritIO().start().waitFor();
            }
        }
    }

    static Stream<Arguments> changes() {
        List<Arguments> all = new ArrayList<>();
        for (boolean dependent : new boolean[] {false, true}) {
            all.add(Arguments.of("command", dependent, (UnaryOperator<App>) a -> new App("v2", a.mark(), a.healthHost(),
                    a.readyHost(), a.stopSignal(), a.reloadSignal(), a.dependsOnBase()), "restarted: app (command; pid "));
            all.add(Arguments.of("environment", dependent, (UnaryOperator<App>) a -> new App(a.tag(), "e2", a.healthHost(),
                    a.readyHost(), a.stopSignal(), a.reloadSignal(), a.dependsOnBase()), "restarted: app (environment; pid "));
            all.add(Arguments.of("health", dependent, (UnaryOperator<App>) a -> new App(a.tag(), a.mark(), "h2.test",
                    a.readyHost(), a.stopSignal(), a.reloadSignal(), a.dependsOnBase()), "changed without restart: app (health)"));
            all.add(Arguments.of("ready", dependent, (UnaryOperator<App>) a -> new App(a.tag(), a.mark(), a.healthHost(),
                    "r2.test", a.stopSignal(), a.reloadSignal(), a.dependsOnBase()), "changed without restart: app (ready)"));
            all.add(Arguments.of("stop", dependent, (UnaryOperator<App>) a -> new App(a.tag(), a.mark(), a.healthHost(),
                    a.readyHost(), "USR2", a.reloadSignal(), a.dependsOnBase()), "changed without restart: app (stop)"));
            all.add(Arguments.of("reload", dependent, (UnaryOperator<App>) a -> new App(a.tag(), a.mark(), a.healthHost(),
                    a.readyHost(), a.stopSignal(), "USR1", a.dependsOnBase()), "changed without restart: app (reload)"));
            all.add(Arguments.of("depends-on", dependent, (UnaryOperator<App>) a -> new App(a.tag(), a.mark(), a.healthHost(),
                    a.readyHost(), a.stopSignal(), a.reloadSignal(), true), "changed without restart: app (depends-on)"));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, dependent: {1}")
    @MethodSource("changes")
    void updateAppliesWhatItReportsAndRereadThenReportsNothing(String kind, boolean dependent, UnaryOperator<App> edit,
                                                              String reported) throws Exception {
        startSvd(App.FIRST, dependent);
        awaitRunning(dependent ? List.of("base", "app", "front") : List.of("base", "app"));
        long app = pidOf("app");
        long front = dependent ? pidOf("front") : 0;
        long base = pidOf("base");
        writeConfig(edit.apply(App.FIRST), dependent);

        SvctlProcess.Result reread = svctl.run("reread");
        assertThat(reread.exit()).as(reread.err()).isZero();
        assertThat(reread.out()).contains("would " + reported.replaceFirst("^restarted", "restart")
                .replaceFirst("^changed", "change").replaceFirst("; pid $", ")"));

        SvctlProcess.Result update = svctl.run("update");

        assertThat(update.exit()).as(update.err()).isZero();
        boolean restarts = reported.startsWith("restarted");
        long now = pidOf("app");
        assertThat(update.out()).contains(restarts ? reported + now + ")" : reported)
                .contains(dependent ? "unchanged: base, front" : "unchanged: base");
        if (restarts) {
            assertThat(now).as("a restart gives app a new process").isNotEqualTo(app);
            assertThat(state("app")).isEqualTo("running");
        } else {
            assertThat(now).as("app keeps its process").isEqualTo(app);
        }
        assertThat(pidOf("base")).isEqualTo(base);
        if (dependent) {
            assertThat(pidOf("front")).as("the dependent keeps running").isEqualTo(front);
        }
        SvctlProcess.Result after = svctl.run("reread");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.out()).as("nothing pending after update")
                .isEqualTo("would leave alone: base, app" + (dependent ? ", front" : "") + "\nno changes\n");

        inEffect(kind, dependent, now);
    }

    /** What each kind of change does once applied, seen from outside svd. */
    private void inEffect(String kind, boolean dependent, long pid) throws Exception {
        switch (kind) {
            case "command" -> assertThat(lastStart()).isEqualTo(pid + " v2 e1");
            case "environment" -> assertThat(lastStart()).isEqualTo(pid + " v1 e2");
            case "health" -> awaitOnlyNewHealthHost();
            case "ready" -> {
                SvctlProcess.Result restart = svctl.run("restart", "app");
                assertThat(restart.exit()).as(restart.err()).isZero();
                long second = pidOf("app");
                assertThat(second).isNotEqualTo(pid);
                assertThat(probed).as("the restarted process is probed with the new ready probe").contains("/ready r2.test");
            }
            case "stop" -> {
                SvctlProcess.Result stop = svctl.run("stop", "app");
                assertThat(stop.exit()).as(stop.err()).isZero();
                assertThat(Files.readString(dir.resolve("app.signals"))).isEqualTo("usr2 stop\n");
                if (dependent) {
                    assertThat(stop.out()).contains("front: stopped (depends on app)");
                }
            }
            case "reload" -> {
                SvctlProcess.Result reload = svctl.run("reload", "app");
                assertThat(reload.exit()).as(reload.err()).isZero();
                await().atMost(BOUND).until(() -> Files.exists(dir.resolve("app.signals")));
                assertThat(Files.readString(dir.resolve("app.signals"))).isEqualTo("usr1 reload\n");
                assertThat(pidOf("app")).isEqualTo(pid);
            }
            case "depends-on" -> {
                SvctlProcess.Result stop = svctl.run("stop", "base");
                assertThat(stop.exit()).as(stop.err()).isZero();
                assertThat(stop.out()).contains("app: stopped (depends on base)");
                if (dependent) {
                    assertThat(stop.out()).contains("front: stopped (depends on app)");
                }
                assertThat(state("app")).isEqualTo("stopped");
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    /** The reported bug: only gunicorn's health probe host changed, nginx depends on it. */
    @Test
    void issue11AHealthProbeOnlyChangeIsAppliedAndNotReportedAsARestart() throws Exception {
        startSvd(App.FIRST, true);
        awaitRunning(List.of("base", "app", "front"));
        long app = pidOf("app");
        App changed = new App("v1", "e1", "h2.test", "r1.test", "TERM", "HUP", false);
        writeConfig(changed, true);

        SvctlProcess.Result update = svctl.run("update");

        assertThat(update.exit()).as(update.err()).isZero();
        assertThat(update.out()).isEqualTo("changed without restart: app (health)\nunchanged: base, front\n");
        assertThat(svctl.run("reread").out()).isEqualTo("would leave alone: base, app, front\nno changes\n");
        awaitOnlyNewHealthHost();
        assertThat(svctl.run("update").out()).as("a second update has nothing left to do")
                .isEqualTo("unchanged: base, app, front\nno changes\n");
        assertThat(pidOf("app")).isEqualTo(app);
    }

    @Test
    void aStoppedServiceGetsItsNewSettingsAtItsNextStart() throws Exception {
        startSvd(App.FIRST, false);
        awaitRunning(List.of("base", "app"));
        assertThat(svctl.run("stop", "app").exit()).isZero();
        writeConfig(new App("v1", "e2", "h1.test", "r1.test", "TERM", "HUP", false), false);

        SvctlProcess.Result update = svctl.run("update");

        assertThat(update.exit()).as(update.err()).isZero();
        assertThat(update.out()).isEqualTo("changed for next start: app (environment; not running)\nunchanged: base\n");
        assertThat(state("app")).isEqualTo("stopped");
        assertThat(svctl.run("reread").out()).isEqualTo("would leave alone: base, app\nno changes\n");
        SvctlProcess.Result start = svctl.run("start", "app");
        assertThat(start.exit()).as(start.err()).isZero();
        assertThat(lastStart()).isEqualTo(pidOf("app") + " v1 e2");
    }

    @Test
    void updateAnswersAsJsonWithEachChangedServicesSettingsAndAction() throws Exception {
        startSvd(App.FIRST, false);
        awaitRunning(List.of("base", "app"));
        writeConfig(new App("v2", "e1", "h2.test", "r1.test", "TERM", "HUP", false), false);

        SvctlProcess.Result update = svctl.run("update", "--json");

        assertThat(update.exit()).as(update.err()).isZero();
        JsonObject result = (JsonObject) JsonParser.parse(update.out().trim());
        assertThat(result.strings("changed")).containsExactly("app");
        JsonObject change = (JsonObject) result.array("changes").items().get(0);
        assertThat(change.string("service")).isEqualTo("app");
        assertThat(change.strings("settings")).containsExactly("command", "health");
        assertThat(change.string("action")).isEqualTo("restart");
        JsonObject restart = (JsonObject) change.get("result");
        assertThat(restart.boolOr("ok", false)).isTrue();
        assertThat(restart.longOr("pid", 0)).isEqualTo(pidOf("app"));
        assertThat(result.boolOr("ok", false)).isTrue();
    }

    @Test
    void aRestartThatFailsIsReportedAsFailedWithItsCauseAndExit1() throws Exception {
        startSvd(App.FIRST, false);
        awaitRunning(List.of("base", "app"));
        String broken = app(App.FIRST).replaceFirst("start-seconds = 0s,", "start-seconds = 5s, start-limit { burst = 1 },")
                .replace(" sleep 1000 & c=$!;", " exit 3; sleep 1000 & c=$!;");
        Files.writeString(conf, Files.readString(conf).replace(app(App.FIRST), broken));

        SvctlProcess.Result update = svctl.run("update");

        assertThat(update.exit()).as(update.out()).isEqualTo(1);
        assertThat(update.out()).isEqualTo("restart failed: app (command, start-seconds, start-limit)\nunchanged: base\n");
        assertThat(update.err()).startsWith("svctl: app: ").contains("exited 3");
        assertThat(state("app")).isEqualTo("failed");
        assertThat(svctl.run("reread").out()).as("the new spec is in place all the same")
                .isEqualTo("would leave alone: base, app\nno changes\n");
    }

    // ---- point 6: what else a stop or start did -------------------------------------------------

    @Test
    void stopNamesTheDependentsItStoppedAndStartTheDependenciesItStarted() throws Exception {
        startSvd(App.FIRST, true);
        awaitRunning(List.of("base", "app", "front"));

        SvctlProcess.Result stop = svctl.run("stop", "app");

        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).matches("app: stopped: .*\\n(?s)front: stopped \\(depends on app\\)\\n");
        assertThat(state("front")).isEqualTo("stopped");
        assertThat(state("base")).isEqualTo("running");

        SvctlProcess.Result start = svctl.run("start", "front", "--json");

        assertThat(start.exit()).as(start.err()).isZero();
        JsonObject result = (JsonObject) ((JsonObject) JsonParser.parse(start.out().trim())).array("results").items().get(0);
        assertThat(result.string("service")).isEqualTo("front");
        assertThat(result.string("message")).isEqualTo("started");
        JsonArray also = result.array("also");
        assertThat(also.items()).hasSize(1);
        JsonObject app = (JsonObject) also.items().get(0);
        assertThat(app.string("service")).isEqualTo("app");
        assertThat(app.string("message")).isEqualTo("started");
        assertThat(app.string("why")).isEqualTo("front depends on it");
        assertThat(app.string("state")).isEqualTo("running");
        assertThat(app.longOr("pid", 0)).isEqualTo(pidOf("app")).isPositive();

        SvctlProcess.Result stopAgain = svctl.run("stop", "front");
        assertThat(stopAgain.out()).as("nothing depends on front").doesNotContain("depends");
        SvctlProcess.Result human = svctl.run("start", "front");
        assertThat(human.out()).as("app still runs: start started nothing else").doesNotContain("app:");
    }

    // ---- fixture --------------------------------------------------------------------------------

    private String app(App a) {
        String url = "http://127.0.0.1:" + probes.getAddress().getPort();
        String script = "trap 'echo term stop >> " + dir + "/app.signals; exit 0' TERM;"
                + " trap 'echo usr2 stop >> " + dir + "/app.signals; exit 0' USR2;"
                + " trap 'echo hup reload >> " + dir + "/app.signals' HUP;"
                + " trap 'echo usr1 reload >> " + dir + "/app.signals' USR1;"
                + " echo $$ >> " + pids + "/app.pid; echo $$ " + a.tag() + " $MARK >> " + dir + "/app.starts;"
                + " sleep 1000 & c=$!; echo $c >> " + pids + "/app.pid;"
                + " while kill -0 $c 2>/dev/null; do wait $c; done";
        return "  app { command = [\"/bin/sh\", \"-c\", \"" + script + "\"], start-seconds = 0s,"
                + " environment { MARK = " + a.mark() + " },"
                + " health { http { url = \"" + url + "/health\", host = \"" + a.healthHost() + "\" }, interval = 300ms },"
                + " ready { http { url = \"" + url + "/ready\", host = \"" + a.readyHost() + "\" }, interval = 250ms,"
                + " start-timeout = 60s },"
                + " stop { signal = " + a.stopSignal() + " }, reload { signal = " + a.reloadSignal() + " }"
                + (a.dependsOnBase() ? ", depends-on = [base]" : "") + " }\n";
    }

    private String sleeper(String name, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + pids + "/" + name
                + ".pid; exec sleep 1000\"], start-seconds = 0s" + extra + " }\n";
    }

    private void writeConfig(App a, boolean dependent) throws IOException {
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\n"
                + "services {\n" + sleeper("base", "") + app(a)
                + (dependent ? sleeper("front", ", depends-on = [app]") : "") + "}\n");
    }

    private void startSvd(App a, boolean dependent) throws IOException {
        writeConfig(a, dependent);
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
    }

    private void awaitRunning(List<String> names) {
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(svd.isAlive()).as("svd is alive; stdout:\n%s\nstderr:\n%s", svd.stdout(), svd.stderr()).isTrue();
            Map<String, JsonObject> all = statusAll();
            for (String name : names) {
                assertThat(all.get(name)).as(name).isNotNull();
                assertThat(all.get(name).string("state")).as(name).isEqualTo("running");
                assertThat(all.get(name).boolOr("ready", false)).as(name + " ready").isTrue();
            }
        });
    }

    /** The health probe now asks with the new Host header: its last three requests did. */
    private void awaitOnlyNewHealthHost() {
        await().atMost(BOUND).untilAsserted(() -> {
            List<String> health = probed.stream().filter(p -> p.startsWith("/health")).toList();
            assertThat(health.subList(Math.max(0, health.size() - 3), health.size()))
                    .hasSize(3).containsOnly("/health h2.test");
        });
    }

    private String lastStart() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("app.starts"));
        return lines.get(lines.size() - 1);
    }

    private Map<String, JsonObject> statusAll() throws Exception {
        SvctlProcess.Result r = svctl.run("status", "--json");
        assertThat(r.exit()).as("svctl status --json: %s\nsvd's stdout:\n%s", r.err(), svd.stdout()).isIn(0, 3);
        Map<String, JsonObject> m = new LinkedHashMap<>();
        for (JsonValue v : ((JsonObject) JsonParser.parse(r.out().trim())).array("services").items()) {
            JsonObject s = (JsonObject) v;
            m.put(s.requireString("name"), s);
            if (s.longOr("pid", 0) > 0) {
                seen.add(s.longOr("pid", 0));
            }
        }
        return m;
    }

    private String state(String name) throws Exception {
        return statusAll().get(name).string("state");
    }

    private long pidOf(String name) throws Exception {
        return statusAll().get(name).longOr("pid", 0);
    }
}
