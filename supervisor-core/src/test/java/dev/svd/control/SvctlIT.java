package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.engine.ConfigChange;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** svctl as a process, end to end against the control server and an in-memory engine. */
@Timeout(120)
class SvctlIT {
    @TempDir
    Path tmp;
    private final FakeSupervisorControl engine = new FakeSupervisorControl();
    private ControlServer server;
    private SvctlProcess svctl;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        socket = tmp.resolve("svd.sock");
        server = new ControlServer(socket, engine, engine, engine, engine, engine,
                AuthorizationPolicy.forDaemonUser(null), ControlLimits.DEFAULT,
                Clock.fixed(FakeSupervisorControl.NOW, ZoneOffset.UTC));
        server.start();
        svctl = new SvctlProcess(socket);
    }

    @AfterEach
    void stop() {
        svctl.close();
        server.close();
    }

    @Test
    void statusPrintsATableAndExits3WhenOneIsNotRunning() throws Exception {
        SvctlProcess.Result r = svctl.run("status");
        assertThat(r.out()).isEqualTo(
                "NAME  STATE    PID   UPTIME  RESTARTS  HEALTH   LAST-EXIT\n"
                + "web   running  4242  3m12s   2         healthy  exited 1\n"
                + "db    stopped  -     -       0         unknown  -\n"
                + "hang  running  4343  5s      0         unknown  -\n"
                + "boom  running  4444  5s      0         unknown  -\n");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void statusOfRunningServicesExits0AndOfAnUnknownOneExits4() throws Exception {
        assertThat(svctl.run("status", "web", "hang").exit()).isZero();
        SvctlProcess.Result unknown = svctl.run("status", "web", "nope");
        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.out()).startsWith("NAME").contains("web").doesNotContain("nope");
        assertThat(unknown.err()).isEqualTo("svctl: no service named nope\n"
                + "svctl: hint: svctl status lists the configured services\n");
    }

    @Test
    void statusOfOnlyUnknownNamesPrintsTheErrorWithoutAnEmptyTable() throws Exception {
        SvctlProcess.Result r = svctl.run("status", "nosuch");
        assertThat(r).isEqualTo(new SvctlProcess.Result(4, "", "svctl: no service named nosuch\n"
                + "svctl: hint: svctl status lists the configured services\n"));
    }

    @Test
    void statusJsonIsTheDocumentedShape() throws Exception {
        SvctlProcess.Result r = svctl.run("status", "web", "db", "--json");
        assertThat(r.out()).isEqualTo("{\"services\":["
                + "{\"name\":\"web\",\"state\":\"running\",\"pid\":4242,\"restarts\":2,\"uptime_s\":192,"
                + "\"health\":\"healthy\",\"last_exit\":\"exited 1\",\"ready\":true,\"reason\":\"running\",\"probe\":null,"
                + "\"sockets\":[],\"status_text\":null,\"main_pid\":null},"
                + "{\"name\":\"db\",\"state\":\"stopped\",\"pid\":null,\"restarts\":0,\"uptime_s\":null,"
                + "\"health\":\"unknown\",\"last_exit\":null,\"ready\":true,\"reason\":\"stopped\",\"probe\":null,"
                + "\"sockets\":[],\"status_text\":null,\"main_pid\":null}]}\n");
        assertThat(r.exit()).isEqualTo(3);
    }

    @Test
    void startStopRestartReportPerService() throws Exception {
        SvctlProcess.Result start = svctl.run("start", "db", "--timeout", "5s");
        assertThat(start.out()).isEqualTo("db: started (running, pid 5000, 12ms)\n");
        assertThat(start.exit()).isZero();
        SvctlProcess.Result stop = svctl.run("stop", "db", "nope");
        assertThat(stop.out()).isEqualTo("db: stopped (stopped, 12ms)\n");
        assertThat(stop.err()).isEqualTo("svctl: nope: no service named nope\nsvctl: hint: svctl status lists the configured services\n");
        assertThat(stop.exit()).isEqualTo(4);
        assertThat(svctl.run("restart", "web").out()).isEqualTo("web: restarted (running, pid 5001, 12ms)\n");
    }

    @Test
    void anActionThatTimesOutExits1WithTheReason() throws Exception {
        SvctlProcess.Result r = svctl.run("stop", "hang", "--timeout", "100ms");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("svctl: hang: no answer from svd's engine within 2s\n");
    }

    @Test
    void reloadAndSignalANotRunningServiceExit3() throws Exception {
        assertThat(svctl.run("reload", "web").exit()).isZero();
        SvctlProcess.Result r = svctl.run("signal", "db", "HUP");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("svctl: db is not running (stopped)\n");
        assertThat(svctl.run("signal", "web", "USR1").out()).startsWith("web: sent SIGUSR1");
        SvctlProcess.Result bad = svctl.run("signal", "web", "BOGUS");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("svctl: args.signal: unknown signal \"BOGUS\"");
    }

    @Test
    void logsPrintTheTailAndFollowUntilKilled() throws Exception {
        SvctlProcess.Result r = svctl.run("logs", "web", "-n", "2");
        assertThat(r.out()).isEqualTo("GET / 200\nGET /health 200\n");
        assertThat(svctl.run("logs", "web", "--stderr").out()).isEqualTo("warning: stderr line\n");
        assertThat(svctl.run("logs", "nope").exit()).isEqualTo(4);

        Process follow = svctl.start("logs", "web", "-n", "1", "-f");
        BufferedReader out = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("GET /health 200");
        // both streams by default: one subscription each
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.outputFollowers() == 2);
        engine.writeOutput("POST /login 302");
        assertThat(out.readLine()).isEqualTo("POST /login 302");
        follow.destroy();
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.outputFollowers() == 0);
    }

    @Test
    void eventsPrintStateChanges() throws Exception {
        SvctlProcess.Result r = svctl.run("events", "-n", "1");
        assertThat(r.out()).isEqualTo("2026-11-25T12:00:02Z web: starting -> running (up for 1s)\n");
    }

    @Test
    void rereadUpdateAndAnInvalidConfig() throws Exception {
        assertThat(svctl.run("reread").out()).isEqualTo("would add: cache\nwould restart: web\nwould leave alone: db\n");
        assertThat(svctl.run("update").out()).isEqualTo("added: cache\nrestarted: web\nunchanged: db\n");
        engine.nextChange = new ConfigChange(List.of(), List.of(), List.of(), List.of(), List.of("/etc/svd/svd.conf:3: bad"));
        SvctlProcess.Result r = svctl.run("update");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("svctl: configuration has 1 problem; nothing changed\n"
                + "svctl:   /etc/svd/svd.conf:3: bad\n"
                + "svctl: hint: fix the configuration, then svctl update again\n");
    }

    @Test
    void jobsTableJsonAndRunResults() throws Exception {
        engine.withJobs = true;
        String lastStart = JobsHandler.time(FakeSupervisorControl.NOW.minusSeconds(9 * 3600)
                .atZone(java.time.ZoneId.systemDefault()));
        String started = JobsHandler.time(FakeSupervisorControl.NOW.atZone(java.time.ZoneId.systemDefault()));
        SvctlProcess.Result jobs = svctl.run("jobs");
        assertThat(jobs.exit()).isZero();
        List<String> lines = jobs.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split(" {2,}")).containsExactly("NAME", "SCHEDULE", "NEXT-RUN", "LAST-RUN", "RESULT",
                "DURATION", "DESCRIPTION");
        assertThat(lines.get(1).split(" {2,}")).containsExactly("renew", "0 3,15 * * *", "2026-11-25 15:00",
                lastStart.substring(0, 10) + " " + lastStart.substring(11, 16), "exited 0", "2.0s", "at 3 and 15 hours");
        assertThat(lines.get(2).split(" {2,}")).containsExactly("backup", "@daily", "2026-11-26 00:00", "-",
                "running since 11:58:55", "-", "at 00:00");
        assertThat(lines.get(1).indexOf("2026-11-25 15:00")).isEqualTo(lines.get(0).indexOf("NEXT-RUN"));
        assertThat(svctl.run("jobs", "--json").out()).startsWith("{\"jobs\":[{\"name\":\"renew\",\"schedule\":\"0 3,15 * * *\"");
        SvctlProcess.Result run = svctl.run("run", "renew");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("renew: exited 1 after 2.3s (started " + started.substring(11, 19) + ")\n"
                + "  | Saving debug log\n  | renewal failed\n");
        SvctlProcess.Result busy = svctl.run("run", "backup");
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(busy.err()).isEqualTo("svctl: job backup is running since 11:58:55\nsvctl: hint: try again in a moment\n");
    }

    @Test
    void jobsRunShutdownAndVersion() throws Exception {
        assertThat(svctl.run("jobs").out()).isEqualTo("no jobs configured\n");
        SvctlProcess.Result run = svctl.run("run", "backup");
        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.err()).isEqualTo("svctl: no job named backup (no jobs are configured)\n"
                + "svctl: hint: svctl jobs lists the configured jobs\n");
        assertThat(svctl.run("shutdown").out()).isEqualTo("svd is shutting down\n");
        assertThat(engine.shutdowns.get()).isEqualTo(1);
        SvctlProcess.Result v = svctl.run("version");
        // The jars' manifest version in a reactor build, "dev" from class directories: the same
        // class path as svctl's process and this JVM's svd.
        String svctl = java.util.Objects.requireNonNullElse(
                dev.svd.cli.command.VersionCommand.class.getPackage().getImplementationVersion(), "dev");
        String svd = java.util.Objects.requireNonNullElse(VersionHandler.class.getPackage().getImplementationVersion(), "dev");
        assertThat(v.out()).startsWith("svctl " + svctl + " (protocol 1)\nsvd " + svd + " (protocol 1, pid "
                + ProcessHandle.current().pid() + ",");
    }

    @Test
    void anUnreachableSvdExits69Fast() throws Exception {
        server.close();
        long t0 = System.nanoTime();
        SvctlProcess.Result r = svctl.run("status");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.exit()).isEqualTo(69);
        assertThat(r.err()).isEqualTo("svctl: cannot reach svd at " + socket + " (no such socket): is it running?\n");
        assertThat(ms).as("wall time of an unreachable svctl status, JVM start included").isLessThan(5_000);
    }

    @Test
    void aSocketNobodyListensOnIsConnectionRefused() throws Exception {
        server.close();
        java.nio.channels.ServerSocketChannel dead =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        dead.bind(java.net.UnixDomainSocketAddress.of(socket));
        dead.close();
        SvctlProcess.Result r = svctl.run("status");
        assertThat(r.exit()).isEqualTo(69);
        assertThat(r.err()).contains("(connection refused): is it running?");
    }
}
