package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, "Processes that cannot escape": a service that leaves a process outside its process
 * group (setsid, or a double fork and setsid) leaves nothing behind after {@code svctl stop},
 * after its main process is SIGKILLed (and svd restarts it), and after {@code svctl restart}; svd
 * names the escaped pid in a WARN, and the escaped process is gone and reaped (no zombie). Each
 * case runs with cgroups off ({@code SVD_CGROUP=off}: /proc, marker and parentage) and, where
 * this machine gives svd a writable cgroup v2, with one cgroup per service. Every process is
 * found by a unique argv ({@code sleep N}) and killed by pid at the end, also on failure.
 */
@Timeout(240)
class EscapeIT {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Random RANDOM = new Random();

    @TempDir
    Path dir;

    enum Containment { PROC, CGROUP }

    enum Escape { SETSID, DOUBLE_FORK }

    enum Trigger { STOP, KILL_MAIN, RESTART }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Containment c : Containment.values()) {
            for (Escape e : Escape.values()) {
                for (Trigger t : Trigger.values()) {
                    all.add(Arguments.of(c, e, t));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void nothingOfTheServiceOutlivesIt(Containment containment, Escape escape, Trigger trigger) throws Exception {
        long n = 100_000 + RANDOM.nextInt(800_000);
        String mainArgv = "sleep " + n;
        String escArgv = "sleep " + (n + 1);
        try (SvdProcess svd = SvdProcess.start(dir, env(containment), "--config", config(escape, n).toString());
             SvctlProcess svctl = new SvctlProcess(dir.resolve("svd.sock"))) {
            try {
                assumeContainment(svd, containment);
                long main = awaitRunning(svctl, 0);
                long escaped = awaitOne(escArgv);
                long escapedStart = startTime(escaped);
                assertThat(processGroup(escaped)).as("the escaped process left the group").isNotEqualTo(main);
                if (containment == Containment.CGROUP) {
                    assertThat(Files.readString(Path.of("/proc", Long.toString(escaped), "cgroup")))
                            .as("born in the service's cgroup").contains("/esc.service");
                }

                switch (trigger) {
                    case STOP -> {
                        SvctlProcess.Result r = svctl.run("stop", "esc");
                        assertThat(r.exit()).as(r.err()).isZero();
                    }
                    case KILL_MAIN -> new ProcessBuilder("kill", "-KILL", Long.toString(main)).inheritIO().start().waitFor();
                    case RESTART -> {
                        SvctlProcess.Result r = svctl.run("restart", "esc");
                        assertThat(r.exit()).as(r.err()).isZero();
                    }
                }

                await().atMost(BOUND).untilAsserted(() -> assertThat(startTime(escaped))
                        .as("pid %d (%s) is gone and reaped; svd's stdout:\n%s", escaped, escArgv, svd.stdout())
                        .isNotEqualTo(escapedStart));
                // The command is read from /proc when svd first sees the process; one already ending
                // (its cmdline gone) is named by its comm alone ("sleep").
                assertThat(svd.stdout()).containsPattern("esc: pid " + escaped + " \\((" + escArgv
                        + "|sleep)\\) left the service's process group");
                if (trigger == Trigger.STOP) {
                    assertThat(pidsWith(escArgv)).as("nothing of the stopped service is left").isEmpty();
                    assertThat(pidsWith(mainArgv)).isEmpty();
                } else {
                    awaitRunning(svctl, main);
                    long again = awaitOne(escArgv);
                    assertThat(again).as("the new run's own escaped process").isNotEqualTo(escaped);
                    assertThat(pidsWith(mainArgv)).hasSize(1);
                }
            } finally {
                svd.close();
                killAll(mainArgv, escArgv);
                removeCgroups(svd);
            }
        }
    }

    /** The cgroup path catches what /proc cannot: an orphan that exec'd with an empty environment. */
    @Test
    void aCgroupAlsoHoldsAnOrphanWithoutTheMarker() throws Exception {
        long n = 100_000 + RANDOM.nextInt(800_000);
        String escArgv = "sleep " + (n + 1);
        String script = "python3 -c \\\"import os\\nif os.fork() == 0:\\n os.setsid()\\n if os.fork() == 0:\\n"
                + "  os.execve('/bin/sleep', ['sleep', '" + (n + 1) + "'], {})\\n os._exit(0)\\nos.wait()\\n"
                + "os.execvp('sleep', ['sleep', '" + n + "'])\\\"";
        Path conf = writeConfig(script);
        try (SvdProcess svd = SvdProcess.start(dir, env(Containment.CGROUP), "--config", conf.toString());
             SvctlProcess svctl = new SvctlProcess(dir.resolve("svd.sock"))) {
            try {
                assumeContainment(svd, Containment.CGROUP);
                awaitRunning(svctl, 0);
                long escaped = awaitOne(escArgv);
                long escapedStart = startTime(escaped);
                assertThat(Files.readString(Path.of("/proc", Long.toString(escaped), "environ"))).isEmpty();

                SvctlProcess.Result r = svctl.run("stop", "esc");

                assertThat(r.exit()).as(r.err()).isZero();
                await().atMost(BOUND).untilAsserted(() -> assertThat(startTime(escaped))
                        .as("pid %d is gone and reaped", escaped).isNotEqualTo(escapedStart));
                assertThat(svd.stdout()).containsPattern("esc: pid " + escaped + " \\((" + escArgv
                        + "|sleep)\\) left the service's process group");
            } finally {
                svd.close();
                killAll("sleep " + n, escArgv);
                removeCgroups(svd);
            }
        }
    }

    // ---- fixture --------------------------------------------------------------------------------

    private static Map<String, String> env(Containment c) {
        return Map.of("SVD_CGROUP", c == Containment.PROC ? "off" : "auto");
    }

    private static void assumeContainment(SvdProcess svd, Containment c) {
        await().atMost(BOUND).until(() -> svd.stdout().contains("processes: "));
        if (c == Containment.PROC) {
            assertThat(svd.stdout()).contains("processes: SVD_CGROUP=off");
        } else {
            Assumptions.assumeTrue(svd.stdout().contains("each service runs in its own cgroup"),
                    "svd found no writable cgroup v2 on this machine: " + svd.stdout());
        }
    }

    private Path config(Escape escape, long n) throws IOException {
        String script = switch (escape) {
            case SETSID -> "setsid sleep " + (n + 1) + " & exec sleep " + n;
            case DOUBLE_FORK -> "python3 -c \\\"import os\\nif os.fork() == 0:\\n os.setsid()\\n if os.fork() == 0:\\n"
                    + "  os.execvp('sleep', ['sleep', '" + (n + 1) + "'])\\n os._exit(0)\\nos.wait()\\n"
                    + "os.execvp('sleep', ['sleep', '" + n + "'])\\\"";
        };
        return writeConfig(script);
    }

    private Path writeConfig(String script) throws IOException {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\n"
                + "services {\n  esc { command = [\"/bin/sh\", \"-c\", \"" + script + "\"], start-seconds = 0s,"
                + " stop.timeout = 5s }\n}\n");
        return conf;
    }

    /** Waits until esc runs with a pid other than {@code not}; returns it. */
    private static long awaitRunning(SvctlProcess svctl, long not) {
        long[] pid = {0};
        await().atMost(BOUND).untilAsserted(() -> {
            SvctlProcess.Result r = svctl.run("status", "--json");
            JsonObject esc = null;
            for (JsonValue v : ((JsonObject) JsonParser.parse(r.out().trim())).array("services").items()) {
                esc = (JsonObject) v;
            }
            assertThat(esc).as(r.out() + r.err()).isNotNull();
            assertThat(esc.string("state")).isEqualTo("running");
            assertThat(esc.longOr("pid", 0)).isNotIn(0L, not);
            pid[0] = esc.longOr("pid", 0);
        });
        return pid[0];
    }

    private static long awaitOne(String argv) {
        long[] pid = {0};
        await().atMost(BOUND).untilAsserted(() -> {
            List<Long> found = pidsWith(argv);
            assertThat(found).as(argv).hasSize(1);
            pid[0] = found.get(0);
        });
        return pid[0];
    }

    /** Live processes whose command line is exactly {@code argv} (zombies have none). */
    private static List<Long> pidsWith(String argv) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').trim();
                    if (cmd.equals(argv)) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        }
        return out;
    }

    /** Field 22 of /proc/PID/stat, zombies included; -1 once the pid is reaped. */
    private static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }

    /**
     * svd's cgroups (named in its log), if svd left them (an svd stopped by SIGTERM removes them itself;
     * a SIGKILLed one cannot), are removed once the processes killed above have left them (a cgroup
     * with a process in it cannot be removed).
     */
    private static void removeCgroups(SvdProcess svd) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("own cgroup under (\\S+) ").matcher(svd.stdout());
        if (!m.find()) {
            return;
        }
        Path base = Path.of(m.group(1));
        await().atMost(BOUND).ignoreExceptions().until(() -> {
            if (!Files.exists(base)) {
                return true;
            }
            try (Stream<Path> cgroups = Files.list(base)) {
                for (Path cg : cgroups.filter(Files::isDirectory).toList()) {
                    Files.delete(cg);
                }
            }
            Files.delete(base);
            return true;
        });
    }

    /** Kills, by pid, every process this test started (found by its unique argv). */
    private static void killAll(String... argvs) throws IOException {
        for (String argv : argvs) {
            for (long pid : pidsWith(argv)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
