package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import dev.svd.testing.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every svctl command, run as its own JVM, against a real svd (its own JVM too) supervising real
 * child processes: each test asserts what svctl printed and how it exited, and what really happened
 * to the processes (/proc, files the services write, their output), and the audit line svd logged.
 * Each test starts its own svd; every service writes its pid under {@code pids/}, which
 * {@link SvdProcess#close} SIGKILLs, so a failing test leaves nothing running.
 */
@Timeout(240)
class SvctlAgainstSvdIT {
    /** Generous: two cores shared with other work, and every svctl run is a JVM start. */
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static String user;
    private static String group;

    @TempDir
    Path dir;
    private Path pids;
    private Path conf;
    private SvdProcess svd;
    private SvctlProcess svctl;
    /** Every pid svctl status reported: each is the leader of its service's process group. */
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void whoAmI() throws Exception {
        user = run("id", "-un");
        group = run("id", "-gn");
    }

    @BeforeEach
    void paths() throws IOException {
        pids = Files.createDirectories(dir.resolve("pids"));
        conf = dir.resolve("svd.conf");
    }

    /** SvdProcess kills svd and the recorded pids; the process groups svctl status reported go too. */
    @AfterEach
    void cleanUp() throws Exception {
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
        for (long pid : seen) {
            if (groupLeader(pid)) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + pid).inheritIO().start().waitFor();
            }
        }
    }

    // ---- status ---------------------------------------------------------------------------------

    @Test
    void statusShowsTheRealPidsOfRunningServicesAsATableAndAsJson() throws Exception {
        int port = Ports.freePort();
        startSvd(sleeper("idle") + web("web", port), "");
        awaitRunning("idle", "web");
        long idle = recordedPid("idle");
        long web = recordedPid("web");

        SvctlProcess.Result table = svctl.run("status");

        assertThat(table.exit()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).matches("NAME +STATE +PID +UPTIME +RESTARTS +HEALTH +LAST-EXIT");
        assertThat(lines.get(1)).matches("idle +running +" + idle + " +\\S+ +0 +unknown +-");
        assertThat(lines.get(2)).matches("web +running +" + web + " +\\S+ +0 +\\S+ +-");
        assertThat(cmdline(idle)).isEqualTo("sleep 1000");
        assertThat(cmdline(web)).contains("http.server");

        SvctlProcess.Result json = svctl.run("status", "--json");

        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).endsWith("\n").hasLineCount(1);
        Map<String, JsonObject> services = services(json.out());
        assertThat(services.keySet()).containsExactly("idle", "web");
        assertThat(services.get("idle").members().keySet()).containsExactly("name", "state", "pid", "restarts",
                "uptime_s", "health", "last_exit", "ready", "reason", "probe", "sockets", "status_text", "main_pid");
        assertThat(services.get("idle").array("sockets").items()).as("a service without sockets").isEmpty();
        assertThat(services.get("idle").longOr("pid", 0)).isEqualTo(idle);
        assertThat(services.get("web").longOr("pid", 0)).isEqualTo(web);
        assertThat(services.get("web").boolOr("ready", false)).isTrue();
        assertThat(services.get("web").string("probe")).startsWith("200 in ");
        assertThat(http(port)).isEqualTo(200);
    }

    @Test
    void statusExits3ForAStoppedServiceAnd4ForAnUnknownName() throws Exception {
        startSvd(sleeper("idle") + sleeper("other"), "");
        awaitRunning("idle", "other");
        assertThat(svctl.run("status", "idle", "other").exit()).isZero();
        assertThat(svctl.run("stop", "other").exit()).isZero();

        SvctlProcess.Result stopped = svctl.run("status", "other");
        SvctlProcess.Result all = svctl.run("status");
        SvctlProcess.Result unknown = svctl.run("status", "idle", "nope");

        assertThat(stopped.exit()).isEqualTo(3);
        assertThat(stopped.out()).containsPattern("(?m)^other +stopped +- +- +0 ");
        assertThat(all.exit()).isEqualTo(3);
        assertThat(all.out()).containsPattern("(?m)^idle +running +" + recordedPid("idle") + " ");
        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.out()).containsPattern("(?m)^idle +running").doesNotContain("nope");
        assertThat(unknown.err()).isEqualTo("svctl: no service named nope\n"
                + "svctl: hint: svctl status lists the configured services\n");
    }

    // ---- start, stop, restart -------------------------------------------------------------------

    @Test
    void stopStartAndRestartOfSeveralServicesReplaceTheirRealProcesses() throws Exception {
        int port = Ports.freePort();
        startSvd(sleeper("idle") + sleeper("other") + web("web", port), "");
        awaitRunning("idle", "other", "web");
        long idle = recordedPid("idle");
        long other = recordedPid("other");
        long web = recordedPid("web");

        SvctlProcess.Result stop = svctl.run("stop", "other", "web", "--timeout", "30s");

        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).containsPattern("(?m)^other: stopped: .*\\(stopped, \\S+\\)$")
                .containsPattern("(?m)^web: stopped: .*\\(stopped, \\S+\\)$");
        assertThat(gone(other)).as("pid %d of other", other).isTrue();
        assertThat(gone(web)).as("pid %d of web", web).isTrue();
        assertThat(state("other")).isEqualTo("stopped");
        assertThat(state("web")).isEqualTo("stopped");
        assertThat(gone(idle)).as("idle was not named").isFalse();
        assertAudited("stop", "{\"names\":[\"other\",\"web\"],\"timeout_ms\":30000}", "ok {\"results\":[");

        SvctlProcess.Result start = svctl.run("start", "other", "web", "--timeout", "30s");

        assertThat(start.exit()).as(start.err()).isZero();
        long other2 = lastRecordedPid("other");
        long web2 = lastRecordedPid("web");
        assertThat(other2).isNotEqualTo(other);
        assertThat(web2).isNotEqualTo(web);
        assertThat(start.out()).contains("other: started (running, pid " + other2 + ", ")
                .contains("web: started (running, pid " + web2 + ", ");
        assertThat(gone(other2)).isFalse();
        assertThat(http(port)).as("web answers as soon as its start returned: it waited for readiness")
                .isEqualTo(200);
        assertAudited("start", "{\"names\":[\"other\",\"web\"],\"timeout_ms\":30000}", "ok {\"results\":[");

        SvctlProcess.Result restart = svctl.run("restart", "other", "web", "--timeout", "30s");

        assertThat(restart.exit()).as(restart.err()).isZero();
        long other3 = lastRecordedPid("other");
        long web3 = lastRecordedPid("web");
        assertThat(other3).isNotIn(other, other2);
        assertThat(web3).isNotIn(web, web2);
        assertThat(restart.out()).contains("other: restarted (running, pid " + other3 + ", ")
                .contains("web: restarted (running, pid " + web3 + ", ");
        assertThat(gone(other2)).isTrue();
        assertThat(gone(web2)).isTrue();
        assertThat(http(port)).isEqualTo(200);
        assertThat(pidOf("idle")).as("idle kept its process throughout").isEqualTo(idle);
        assertAudited("restart", "{\"names\":[\"other\",\"web\"],\"timeout_ms\":30000}", "ok {\"results\":[");
    }

    @Test
    void startOfAFailedServiceTakesItOutOfItsStartLimit() throws Exception {
        Path fixed = dir.resolve("flaky.fixed");
        startSvd(sleeper("idle") + service("flaky", "if [ -f " + fixed + " ]; then echo $$ >> " + pids
                + "/flaky.pid; exec sleep 1000; fi; echo not fixed yet >&2; exit 1",
                "start-seconds = 1s, start-limit { burst = 2, interval = 1h }"), "");
        awaitRunning("idle");
        await().atMost(BOUND).until(() -> "failed".equals(state("flaky")));
        assertThat(status("flaky").string("reason")).contains("start limit hit");

        SvctlProcess.Result stillBroken = svctl.run("start", "flaky", "--timeout", "30s");

        assertThat(stillBroken.exit()).isEqualTo(1);
        assertThat(stillBroken.err()).startsWith("svctl: flaky: ").contains("start limit hit");

        Files.createFile(fixed);
        SvctlProcess.Result start = svctl.run("start", "flaky", "--timeout", "30s");

        assertThat(start.exit()).as(start.err()).isZero();
        long pid = recordedPid("flaky");
        assertThat(start.out()).startsWith("flaky: started (running, pid " + pid + ", ");
        assertThat(cmdline(pid)).isEqualTo("sleep 1000");
        assertThat(state("flaky")).isEqualTo("running");
        assertAudited("start", "{\"names\":[\"flaky\"],\"timeout_ms\":30000}", "ok {\"results\":[{\"service\":\"flaky\","
                + "\"ok\":true");
    }

    @Test
    void startThatTimesOutWaitingForReadinessExits1AndNamesTheProbe() throws Exception {
        int closed = Ports.freePort();
        startSvd(sleeper("idle") + service("never", "echo $$ >> " + pids + "/never.pid; exec sleep 1000",
                "ready { tcp { address = \"127.0.0.1:" + closed + "\" }, start-timeout = 1h }"), "");
        awaitRunning("idle");
        long pid = recordedPid("never");

        SvctlProcess.Result start = svctl.run("start", "never", "--timeout", "2s");

        assertThat(start.exit()).isEqualTo(1);
        assertThat(start.out()).isEmpty();
        assertThat(start.err()).startsWith("svctl: never: start timed out after 2s (")
                .contains("; not ready: last probe: ").contains("127.0.0.1:" + closed);
        assertThat(gone(pid)).as("the process is left to its start-timeout").isFalse();
        assertAudited("start", "{\"names\":[\"never\"],\"timeout_ms\":2000}", "failed {\"results\":[{\"service\":\"never\","
                + "\"ok\":false,\"error\":\"TIMEOUT\"");
    }

    // ---- signal, reload -------------------------------------------------------------------------

    @Test
    void signalReachesTheServicesMainProcess() throws Exception {
        startSvd(sleeper("idle") + trapper("sig"), "");
        awaitRunning("idle", "sig");
        List<Long> sig = recordedPids("sig");
        long main = sig.get(0);
        long child = sig.get(1);

        SvctlProcess.Result r = svctl.run("signal", "sig", "USR1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("sig: sent SIGUSR1 to pid " + main + " (running, pid " + main + ", 0ms)\n");
        Path got = dir.resolve("usr1.got");
        await().atMost(BOUND).until(() -> Files.exists(got) && Files.readString(got).equals("usr1\n"));
        assertThat(pidOf("sig")).isEqualTo(main);
        assertThat(gone(child)).as("the child of the main process did not get USR1 (it would have died)").isFalse();
        assertAudited("signal", "{\"name\":\"sig\",\"signal\":\"USR1\"}", "ok {\"results\":[{\"service\":\"sig\",\"ok\":true");

        assertThat(svctl.run("signal", "sig", "BOGUS").exit()).isEqualTo(2);
        assertThat(svctl.run("signal", "nope", "USR1").exit()).isEqualTo(4);
        assertThat(svctl.run("stop", "idle").exit()).isZero();
        SvctlProcess.Result notRunning = svctl.run("signal", "idle", "HUP");
        assertThat(notRunning.exit()).isEqualTo(3);
        assertThat(notRunning.err()).startsWith("svctl: idle is not running (stopped): nothing to signal\n");
        assertThat(Files.readString(got)).as("nothing else was delivered").isEqualTo("usr1\n");
    }

    @Test
    void reloadSendsTheServicesReloadSignal() throws Exception {
        startSvd(sleeper("idle") + trapper("sig"), "");
        awaitRunning("idle", "sig");
        long main = recordedPid("sig");

        SvctlProcess.Result r = svctl.run("reload", "sig");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("sig: reloaded: sent SIGHUP to pid " + main);
        Path got = dir.resolve("hup.got");
        await().atMost(BOUND).until(() -> Files.exists(got) && Files.readString(got).equals("hup\n"));
        assertThat(pidOf("sig")).isEqualTo(main);
        assertAudited("reload", "{\"names\":[\"sig\"]}", "ok {\"results\":[{\"service\":\"sig\",\"ok\":true");

        assertThat(svctl.run("stop", "idle").exit()).isZero();
        assertThat(svctl.run("reload", "idle").exit()).isEqualTo(3);
        assertThat(svctl.run("reload", "nope").exit()).isEqualTo(4);
    }

    /**
     * reload.failure-mark is looked for on stderr only (nginx's error log): a line on stdout that
     * carries the mark, as an access log line may, does not fail a reload whose workers were replaced
     * (2 s after the line, so the line is read before the reload could be confirmed); the same mark on
     * stderr fails the next reload at once with the line.
     */
    @Test
    void failureMarkFailsAReloadOnlyFromStderr() throws Exception {
        Path fail = dir.resolve("fail");
        String workers = "sleep 1000 & W1=$!; sleep 1000 & W2=$!; echo $W1 >> " + pids + "/master.pid; echo $W2 >> "
                + pids + "/master.pid";
        startSvd(service("master", "echo $$ >> " + pids + "/master.pid; start() { " + workers + "; };"
                + " hup() { if [ -e " + fail + " ]; then echo '[emerg] 7#7: bind() to 127.0.0.1:1 failed' >&2;"
                + " else echo 'GET /[emerg] HTTP/1.1 404'; sleep 2; kill $W1 $W2; start; fi; };"
                + " trap hup HUP; start; while :; do wait; done",
                "reload { confirm = workers, timeout = 10m, failure-mark = \"[emerg]\" }"), "");
        awaitRunning("master");
        long main = recordedPid("master");
        await().atMost(BOUND).until(() -> ProcessHandle.of(main).map(h -> h.children().count()).orElse(0L) == 2);

        SvctlProcess.Result ok = svctl.run("reload", "master");

        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("master: reloaded: 2 new workers replace 2");
        await().atMost(BOUND).until(() -> svctl.run("logs", "master").out().contains("GET /[emerg] HTTP/1.1 404"));

        Files.writeString(fail, "");
        SvctlProcess.Result failed = svctl.run("reload", "master");

        assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
        assertThat(failed.err()).contains("master: reload failed: after SIGHUP pid " + main + " wrote:\n"
                + "[emerg] 7#7: bind() to 127.0.0.1:1 failed");
    }

    // ---- logs, events ---------------------------------------------------------------------------

    /** The time svctl logs shows before each line with log.timestamps (docs/logging.md). */
    private static final java.util.regex.Pattern TIMED =
            java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ", java.util.regex.Pattern.MULTILINE);

    /** Followed lines without their time; each must have one. */
    private static List<String> untimedLines(List<String> lines) {
        assertThat(lines).allMatch(l -> TIMED.matcher(l).lookingAt());
        return lines.stream().map(SvctlAgainstSvdIT::untimed).toList();
    }

    /** svctl logs output without the time before each line. */
    private static String untimed(String out) {
        return java.util.regex.Pattern.compile("^" + TIMED.pattern(), java.util.regex.Pattern.MULTILINE).matcher(out).replaceAll("");
    }

    @Test
    void logsShowsTheLastLinesOfBothStreamsOrOfTheServicesStdoutOrStderr() throws Exception {
        startSvd(sleeper("idle") + service("talker", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line-$i; done;"
                + " echo oops-on-stderr >&2; echo $$ >> " + pids + "/talker.pid; exec sleep 1000", ""), "");
        awaitRunning("idle", "talker");
        await().atMost(BOUND).until(() -> svctl.run("logs", "talker", "--stderr").out().contains("oops-on-stderr"));

        SvctlProcess.Result last10 = svctl.run("logs", "talker", "--stdout");
        SvctlProcess.Result both = svctl.run("logs", "talker");
        SvctlProcess.Result last2 = svctl.run("logs", "talker", "-n", "2", "--stdout");
        SvctlProcess.Result stderr = svctl.run("logs", "talker", "--stderr");
        SvctlProcess.Result unknown = svctl.run("logs", "nope");

        assertThat(last10.exit()).isZero();
        assertThat(last10.out().lines()).as("each line starts with the time it was read (log.timestamps)")
                .allMatch(l -> TIMED.matcher(l).lookingAt());
        assertThat(untimed(last10.out())).isEqualTo("line-3\nline-4\nline-5\nline-6\nline-7\nline-8\nline-9\nline-10\n"
                + "line-11\nline-12\n");
        assertThat(both.exit()).isZero();
        assertThat(untimed(both.out())).startsWith("line-4\n").contains("line-12\n").contains("oops-on-stderr\n");
        assertThat(both.out().lines()).hasSize(10);
        assertThat(both.err()).isEmpty();
        assertThat(untimed(last2.out())).isEqualTo("line-11\nline-12\n");
        assertThat(stderr.exit()).isZero();
        assertThat(untimed(stderr.out())).isEqualTo("oops-on-stderr\n");
        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.err()).startsWith("svctl: no service named nope\n");
        assertThat(Files.readString(dir.resolve("log/talker.log"))).contains("line-12");
    }

    /**
     * Issue 11: nginx writes only to stderr, and svctl logs showed nothing. Each line is written only
     * once svd has the one before (its log file, in arrival order, shows it), so the order is known.
     */
    @Test
    void logsMergesBothStreamsInArrivalOrderAndSaysWhenAServiceWroteNothing() throws Exception {
        Path log = dir.resolve("log/mixed.log");
        startSvd(sleeper("idle") + service("mixed", "for l in out-1 err-2 err-3 out-4 err-5; do case $l in"
                + " out*) echo $l ;; *) echo $l >&2 ;; esac; until grep -qs $l " + log + "; do sleep 0.05; done; done;"
                + " echo $$ >> " + pids + "/mixed.pid; exec sleep 1000", ""), "");
        awaitRunning("idle", "mixed");
        await().atMost(BOUND).until(() -> svctl.run("logs", "mixed").out().contains("err-5"));

        SvctlProcess.Result both = svctl.run("logs", "mixed");
        SvctlProcess.Result last2 = svctl.run("logs", "mixed", "-n", "2");
        SvctlProcess.Result errOnly = svctl.run("logs", "mixed", "--stderr");
        SvctlProcess.Result nothing = svctl.run("logs", "idle");
        SvctlProcess.Result nothingOnStdout = svctl.run("logs", "idle", "--stdout");

        assertThat(new SvctlProcess.Result(both.exit(), untimed(both.out()), both.err()))
                .isEqualTo(new SvctlProcess.Result(0, "out-1\nerr-2\nerr-3\nout-4\nerr-5\n", ""));
        assertThat(untimed(last2.out())).isEqualTo("out-4\nerr-5\n");
        assertThat(untimed(errOnly.out())).isEqualTo("err-2\nerr-3\nerr-5\n");
        assertThat(nothing).isEqualTo(new SvctlProcess.Result(0, "",
                "svctl: idle has written nothing to stdout or stderr since svd started it\n"));
        assertThat(nothingOnStdout.err()).isEqualTo("svctl: idle has written nothing to stdout since svd started it\n");
    }

    /**
     * Zero copy (docs/logging.md): with neither timestamps nor console svd splices the output into the
     * file, and svctl logs still shows the last lines (read back from the file), without a time.
     */
    @Test
    void logsOfAServiceWhoseOutputIsSplicedShowItsLastLinesReadBackFromTheFile() throws Exception {
        startSvd(sleeper("idle") + service("quiet", "i=1; while [ $i -le 3000 ]; do echo line-$i; i=$((i+1)); done;"
                + " echo $$ >> " + pids + "/quiet.pid; exec sleep 1000", "log { console = false, timestamps = false }"), "");
        awaitRunning("idle", "quiet");
        await().atMost(BOUND).until(() -> Files.exists(dir.resolve("log/quiet.log"))
                && Files.readString(dir.resolve("log/quiet.log")).endsWith("line-3000\n"));

        SvctlProcess.Result last3 = svctl.run("logs", "quiet", "-n", "3");

        assertThat(last3).isEqualTo(new SvctlProcess.Result(0, "line-2998\nline-2999\nline-3000\n", ""));
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            all.append("line-").append(i).append('\n');
        }
        assertThat(Files.readString(dir.resolve("log/quiet.log"))).as("the file holds the bytes unchanged").isEqualTo(all.toString());
        assertThat(svd.stdout()).doesNotContain("quiet | line-");
    }

    @Test
    void logsFollowShowsNewLinesOfBothStreams() throws Exception {
        startSvd(sleeper("idle") + service("both", "trap 'echo out-usr2; echo err-usr2 >&2' USR2; echo $$ >> " + pids
                + "/both.pid; echo both is up; sleep 1000 & c=$!; echo $c >> " + pids + "/both.pid;"
                + " while kill -0 $c 2>/dev/null; do wait $c; done", ""), "");
        awaitRunning("idle", "both");
        long main = recordedPid("both");
        await().atMost(BOUND).until(() -> svctl.run("logs", "both").out().contains("both is up"));

        Process follow = svctl.start("logs", "both", "-f");
        List<String> followed = collectLines(follow);
        await().atMost(BOUND).until(() -> untimedLines(followed).contains("both is up"));
        // A line written between the tail and the subscription may be missed (protocol.md): ask again until both come.
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> {
            kill("USR2", main);
            return untimedLines(followed).contains("out-usr2") && untimedLines(followed).contains("err-usr2");
        });
        follow.destroy();
    }

    @Test
    void logsFollowStreamsANewLineAsTheServiceWritesIt() throws Exception {
        startSvd(sleeper("idle") + trapper("sig"), "");
        awaitRunning("idle", "sig");
        long main = recordedPid("sig");
        await().atMost(BOUND).until(() -> svctl.run("logs", "sig").out().contains("sig is up"));

        Process follow = svctl.start("logs", "sig", "-f");
        List<String> followed = collectLines(follow);
        await().atMost(BOUND).until(() -> untimedLines(followed).contains("sig is up"));
        // A line written between the tail and the subscription may be missed (protocol.md): ask again until one comes.
        await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> {
            kill("USR2", main);
            return untimedLines(followed).stream().anyMatch(l -> l.startsWith("usr2 line"));
        });

        assertThat(follow.isAlive()).as("still following").isTrue();
        follow.destroy();
    }

    @Test
    void eventsShowsTransitionsAndFollowStreamsANewOne() throws Exception {
        startSvd(sleeper("idle") + sleeper("other"), "");
        awaitRunning("idle", "other");

        SvctlProcess.Result recent = svctl.run("events");

        assertThat(recent.exit()).isZero();
        assertThat(recent.out()).containsPattern("(?m)^\\S+Z idle: stopped -> starting( \\(.*\\))?$")
                .containsPattern("(?m)^\\S+Z other: starting -> running \\(pid " + recordedPid("other") + ".*\\)$");

        Process follow = svctl.start("events", "-f", "-n", "1");
        List<String> followed = collectLines(follow);
        await().atMost(BOUND).until(() -> !followed.isEmpty());
        assertThat(svctl.run("stop", "other").exit()).isZero();

        await().atMost(BOUND).until(() -> followed.stream().anyMatch(l -> l.matches("\\S+Z other: stopping -> stopped .*")));
        assertThat(followed).anyMatch(l -> l.matches("\\S+Z other: running -> stopping \\(.*sent SIGTERM.*\\)"));
        assertThat(follow.isAlive()).as("still following").isTrue();
        follow.destroy();
    }

    // ---- jobs, run ------------------------------------------------------------------------------

    @Test
    void jobsListsTheJobsAndRunRunsOneAndPrintsItsResult() throws Exception {
        startSvd(sleeper("idle"), "  greet { schedule = \"0 0 1 1 *\", command = [\"/bin/sh\", \"-c\","
                + " \"echo job says hi; echo second line; echo $$ > " + dir + "/greet.ran\"] }\n"
                + "  broken { schedule = \"0 0 1 1 *\", command = [\"/bin/sh\", \"-c\", \"echo about to fail; exit 3\"] }\n");
        awaitRunning("idle");

        SvctlProcess.Result jobs = svctl.run("jobs");

        assertThat(jobs.exit()).as(jobs.err()).isZero();
        List<String> lines = jobs.out().lines().toList();
        assertThat(lines.get(0)).startsWith("NAME").contains("SCHEDULE").contains("NEXT-RUN").contains("RESULT");
        assertThat(lines.get(1)).matches("greet +0 0 1 1 \\* +\\d{4}-01-01 00:00 +- +- .*");
        assertThat(lines.get(2)).startsWith("broken ");

        SvctlProcess.Result run = svctl.run("run", "greet");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).matches("greet: exited 0 after \\S+ \\(started \\d\\d:\\d\\d:\\d\\d\\)\n"
                + "  \\| job says hi\n  \\| second line\n");
        assertThat(dir.resolve("greet.ran")).exists();
        assertThat(Files.readString(dir.resolve("log/job-greet.log"))).contains("job says hi");
        assertThat(svctl.run("jobs").out()).containsPattern("(?m)^greet .* exited 0 ");
        assertAudited("run", "{\"name\":\"greet\"}", "ok {\"job\":\"greet\",\"trigger\":\"manual\",\"ok\":true");

        SvctlProcess.Result failed = svctl.run("run", "broken");

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).startsWith("broken: exited 3 after ").contains("  | about to fail\n");
        SvctlProcess.Result unknown = svctl.run("run", "nope");
        assertThat(unknown.exit()).isEqualTo(4);
        assertThat(unknown.err()).contains("no job named nope");
    }

    // ---- reread, update -------------------------------------------------------------------------

    @Test
    void rereadShowsAndUpdateAppliesAnEditedConfigLeavingTheUnchangedServiceAlone() throws Exception {
        startSvd(sleeper("idle") + sleeper("changeme") + sleeper("removeme"), "");
        awaitRunning("idle", "changeme", "removeme");
        long idle = recordedPid("idle");
        long changeme = recordedPid("changeme");
        long removeme = recordedPid("removeme");
        writeConfig(sleeper("idle") + service("changeme", "echo v2; echo $$ >> " + pids + "/changeme.pid; exec sleep 1000",
                "") + sleeper("added"), "");

        SvctlProcess.Result reread = svctl.run("reread");

        assertThat(reread.exit()).as(reread.err()).isZero();
        assertThat(reread.out()).isEqualTo("would add: added\nwould remove: removeme\nwould restart: changeme (command)\n"
                + "would leave alone: idle\n");
        assertThat(statusAll().keySet()).as("reread changes nothing").containsExactly("idle", "changeme", "removeme");
        assertThat(pidOf("changeme")).isEqualTo(changeme);
        assertThat(gone(removeme)).isFalse();

        SvctlProcess.Result update = svctl.run("update");

        assertThat(update.exit()).as(update.err()).isZero();
        assertThat(update.out()).isEqualTo("added: added\nremoved: removeme\nrestarted: changeme (command; pid "
                + pidOf("changeme") + ")\nunchanged: idle\n");
        await().atMost(BOUND).untilAsserted(() -> {
            Map<String, JsonObject> all = statusAll();
            assertThat(all.keySet()).containsExactly("idle", "changeme", "added");
            assertThat(all.values()).allMatch(s -> "running".equals(s.string("state")));
        });
        assertThat(gone(removeme)).as("removed service's process").isTrue();
        assertThat(gone(changeme)).as("changed service's old process").isTrue();
        assertThat(pidOf("changeme")).isEqualTo(lastRecordedPid("changeme")).isNotEqualTo(changeme);
        assertThat(pidOf("added")).isEqualTo(recordedPid("added"));
        assertThat(pidOf("idle")).as("unchanged service kept its process").isEqualTo(idle);
        SvctlProcess.Result logs = svctl.run("logs", "changeme");
        assertThat(TIMED.matcher(logs.out()).lookingAt()).as(logs.out()).isTrue();
        assertThat(untimed(logs.out())).isEqualTo("v2\n");
        assertThat(svctl.run("status", "removeme").exit()).isEqualTo(4);
        assertAudited("update", "{}", "ok {\"added\":[\"added\"],\"removed\":[\"removeme\"],\"changed\":[\"changeme\"]");
    }

    @Test
    void anInvalidEditedConfigIsRejectedWithFileAndLineAndDisturbsNothing() throws Exception {
        startSvd(sleeper("idle") + sleeper("other"), "");
        awaitRunning("idle", "other");
        Map<String, Long> before = pids(statusAll());
        String valid = Files.readString(conf);
        int line = (int) valid.lines().count() + 1;
        Files.writeString(conf, valid + "services.idle.stop.timeout = ten\nservices.added { command = [\"/bin/sh\"],"
                + " restart = sometimes }\n");
        String problems = "svctl:   " + conf + ":" + line + ": services.idle.stop.timeout: expected a duration such as 10s"
                + " (was \"ten\")\n"
                + "svctl:   " + conf + ":" + (line + 1) + ": services.added.restart: expected one of always, on-failure,"
                + " never (was \"sometimes\")\n";

        SvctlProcess.Result reread = svctl.run("reread");
        SvctlProcess.Result update = svctl.run("update");

        assertThat(reread.exit()).isEqualTo(1);
        assertThat(reread.out()).isEmpty();
        assertThat(reread.err()).contains(problems);
        assertThat(update.exit()).isEqualTo(1);
        assertThat(update.out()).isEmpty();
        assertThat(update.err()).contains(problems).contains("svctl: hint: fix the configuration, then svctl update again");
        Map<String, JsonObject> after = statusAll();
        assertThat(after.keySet()).containsExactly("idle", "other");
        assertThat(pids(after)).isEqualTo(before);
        assertThat(after.values()).allMatch(s -> "running".equals(s.string("state")));
        for (long pid : before.values()) {
            assertThat(gone(pid)).isFalse();
        }
        assertAudited("update", "{}", "CONFIG_INVALID ");
    }

    // ---- version, shutdown ----------------------------------------------------------------------

    @Test
    void versionPrintsSvctlsAndTheRunningSvdsVersions() throws Exception {
        startSvd(sleeper("idle"), "");
        awaitRunning("idle");

        SvctlProcess.Result r = svctl.run("version");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("svctl \\S+ \\(protocol 1\\)");
        assertThat(lines.get(1)).matches("svd \\S+ \\(protocol 1, pid " + svd.pid() + ", up \\S+, java "
                + Pattern.quote(System.getProperty("java.version")) + "\\)");
    }

    @Test
    void shutdownStopsEveryServiceAndEndsSvd() throws Exception {
        int port = Ports.freePort();
        startSvd(sleeper("idle") + trapper("sig") + web("web", port), "");
        awaitRunning("idle", "sig", "web");
        List<Long> all = new ArrayList<>(recordedPids("idle"));
        all.addAll(recordedPids("sig"));
        all.addAll(recordedPids("web"));

        SvctlProcess.Result r = svctl.run("shutdown");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("svd is shutting down\n");
        assertThat(svd.awaitExit(BOUND)).isZero();
        for (long pid : all) {
            assertThat(gone(pid)).as("pid %d", pid).isTrue();
        }
        assertThat(dir.resolve("svd.sock")).doesNotExist();
        assertAudited("shutdown", "{}", "ok {\"shutting_down\":true}");
        SvctlProcess.Result after = svctl.run("status");
        assertThat(after.exit()).isEqualTo(69);
        assertThat(after.err()).isEqualTo("svctl: cannot reach svd at " + dir.resolve("svd.sock")
                + " (no such socket): is it running?\n");
    }

    // ---- fixture --------------------------------------------------------------------------------

    /** A service running {@code script} with /bin/sh; start-seconds 0s unless extra says otherwise. */
    private String service(String name, String script, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"" + script + "\"]"
                + (extra.contains("start-seconds") ? "" : ", start-seconds = 0s") + (extra.isEmpty() ? "" : ", " + extra)
                + " }\n";
    }

    private String sleeper(String name) {
        return service(name, "echo $$ >> " + pids + "/" + name + ".pid; exec sleep 1000", "");
    }

    /** python3's http.server on 127.0.0.1:port, ready once it answers. */
    private String web(String name, int port) throws IOException {
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello\n");
        return service(name, "echo $$ >> " + pids + "/" + name + ".pid; exec /usr/bin/python3 -m http.server --bind"
                + " 127.0.0.1 --directory " + www + " " + port,
                "ready { http { url = \"http://127.0.0.1:" + port + "/\" }, start-timeout = 60s }");
    }

    /**
     * A shell that records USR1 and HUP in files, prints a line on USR2, and waits on a child
     * {@code sleep}; pids/NAME.pid holds the shell's pid, then the child's.
     */
    private String trapper(String name) {
        return service(name, "trap 'echo usr1 >> " + dir + "/usr1.got' USR1; trap 'echo hup >> " + dir + "/hup.got' HUP;"
                + " trap 'echo usr2 line' USR2; echo $$ >> " + pids + "/" + name + ".pid; echo " + name + " is up;"
                + " sleep 1000 & c=$!; echo $c >> " + pids + "/" + name + ".pid;"
                + " while kill -0 $c 2>/dev/null; do wait $c; done", "");
    }

    private void writeConfig(String services, String jobs) throws IOException {
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\n"
                + "services {\n" + services + "}\n"
                + (jobs.isEmpty() ? "" : "jobs {\n" + jobs + "}\n"));
    }

    private void startSvd(String services, String jobs) throws IOException {
        writeConfig(services, jobs);
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
    }

    private void awaitRunning(String... names) {
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(svd.isAlive()).as("svd is alive; stdout:\n%s\nstderr:\n%s", svd.stdout(), svd.stderr()).isTrue();
            Map<String, JsonObject> all = statusAll();
            for (String name : names) {
                assertThat(all.get(name)).as(name).isNotNull();
                assertThat(all.get(name).string("state")).as(name).isEqualTo("running");
                assertThat(all.get(name).boolOr("ready", false)).as(name + " ready").isTrue();
            }
        });
        for (String name : names) {
            await().atMost(BOUND).until(() -> !recordedPids(name).isEmpty());
        }
    }

    private Map<String, JsonObject> statusAll() throws Exception {
        SvctlProcess.Result r = svctl.run("status", "--json");
        assertThat(r.exit()).as("svctl status --json: %s\nsvd's stdout:\n%s\nsvd's stderr:\n%s", r.err(), svd.stdout(),
                svd.stderr()).isIn(0, 3);
        return services(r.out());
    }

    private JsonObject status(String name) throws Exception {
        return statusAll().get(name);
    }

    private String state(String name) throws Exception {
        return status(name).string("state");
    }

    private long pidOf(String name) throws Exception {
        return status(name).longOr("pid", 0);
    }

    private static Map<String, Long> pids(Map<String, JsonObject> services) {
        Map<String, Long> m = new LinkedHashMap<>();
        services.forEach((k, v) -> m.put(k, v.longOr("pid", 0)));
        return m;
    }

    private Map<String, JsonObject> services(String json) throws Exception {
        Map<String, JsonObject> m = new LinkedHashMap<>();
        for (JsonValue v : ((JsonObject) JsonParser.parse(json.trim())).array("services").items()) {
            JsonObject s = (JsonObject) v;
            m.put(s.requireString("name"), s);
            if (s.longOr("pid", 0) > 0) {
                seen.add(s.longOr("pid", 0));
            }
        }
        return m;
    }

    private List<Long> recordedPids(String name) throws IOException {
        Path f = pids.resolve(name + ".pid");
        List<Long> out = new ArrayList<>();
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.trim()));
                }
            }
        }
        return out;
    }

    /** The first pid the service recorded (for services that record one pid per start, its first start). */
    private long recordedPid(String name) throws IOException {
        await().atMost(BOUND).until(() -> !recordedPids(name).isEmpty());
        return recordedPids(name).get(0);
    }

    private long lastRecordedPid(String name) throws IOException {
        List<Long> all = recordedPids(name);
        return all.get(all.size() - 1);
    }

    /** No such process, or only its zombie: it has ended. */
    private static boolean gone(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        }
    }

    /** Whether pid is alive and leads its own process group (a service's main process). */
    private static boolean groupLeader(long pid) throws IOException {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return !f[0].equals("Z") && Long.parseLong(f[2]) == pid;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private static String cmdline(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ').trim();
    }

    /** The audit line of a state-changing command: the peer's user and group, the command, its args and outcome. */
    private void assertAudited(String cmd, String args, String outcome) {
        // svctl's pid is not known here: any pid, but a real one (svd reads it with SO_PEERCRED)
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("audit: user=" + java.util.regex.Pattern.quote(user)
                + " uid=\\d+ group=" + java.util.regex.Pattern.quote(group) + " pid=\\d+ "
                + java.util.regex.Pattern.quote("cmd=" + cmd + " args=" + args + " outcome=" + outcome));
        await().atMost(BOUND).untilAsserted(() -> assertThat(svd.stdout().lines().filter(l -> l.contains("audit: ")))
                .as("svd's audit lines").anyMatch(l -> line.matcher(l).find()));
    }

    /** Reads a process's stdout into a list on a daemon thread. */
    private static List<String> collectLines(Process p) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("<read failed: " + e + ">");
            }
        }, "svctl-follow-reader");
        t.setDaemon(true);
        t.start();
        return lines;
    }

    private static void kill(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor()).isZero();
    }


    private static int http(int port) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).isZero();
        return out;
    }
}
