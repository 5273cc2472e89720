package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonNumber;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code svctl top} against a real svd, piped (so one snapshot): a service that spins on the CPU
 * shows far more CPU % than one that sleeps, each with its resident memory. The services write their
 * pids under {@code pids/}, which {@link SvdProcess#close} SIGKILLs.
 */
@Timeout(180)
class SvctlTopIT {
    private static final Duration BOUND = Duration.ofSeconds(90);
    /** A busy loop gets far more than this even on one CPU shared with a few others. */
    private static final double BUSY = 5.0;
    private static final Pattern ROW = Pattern.compile(
            "(?m)^(\\S+) +(\\S+) +(\\S+) +(\\d+|-) +([0-9.]+|-) +([0-9.]+[KMG]|-) +(\\d+) +(\\d+) +(\\S+)$");

    @TempDir
    Path dir;
    private SvdProcess svd;
    private SvctlProcess svctl;

    @BeforeEach
    void startSvd() throws Exception {
        Path pids = Files.createDirectories(dir.resolve("pids"));
        Path conf = Files.writeString(dir.resolve("svd.conf"), "svd { socket = \"" + dir + "/svd.sock\", log-dir = \""
                + dir + "/log\", state-dir = \"" + dir + "/state\", stop-budget = 10s }\n"
                + "services.busy { command = [\"/bin/sh\", \"-c\", \"echo $$ > " + pids
                + "/busy.pid; while :; do :; done\"], start-seconds = 0s }\n"
                + "services.idle { command = [\"/bin/sh\", \"-c\", \"echo $$ > " + pids
                + "/idle.pid; exec sleep 100000\"], start-seconds = 0s }\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        await().atMost(BOUND).until(() -> Files.exists(pids.resolve("busy.pid")) && Files.exists(pids.resolve("idle.pid"))
                && svctl.run("status").exit() == 0);
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
    void pipedTopPrintsOneSnapshotWhereTheBusyServiceUsesFarMoreCpuThanTheIdleOne() throws Exception {
        long busyPid = Long.parseLong(Files.readString(dir.resolve("pids/busy.pid")).trim());
        // A snapshot is two samples about a second apart: on a loaded machine one such second may
        // give the loop little CPU, so take snapshots until one shows it (each is a complete run).
        Map<String, String[]> rows = new HashMap<>();
        await().atMost(BOUND).until(() -> {
            SvctlProcess.Result top = svctl.run("top");
            assertThat(top.exit()).as(top.err()).isZero();
            assertThat(top.out()).containsPattern("^NAME +STATE +HEALTH +PID +CPU% +RSS +PROCS +RESTARTS +UPTIME\n");
            rows.clear();
            Matcher m = ROW.matcher(top.out());
            while (m.find()) {
                String[] cells = new String[10];
                for (int i = 1; i <= 9; i++) {
                    cells[i] = m.group(i);
                }
                rows.put(m.group(1), cells);
            }
            assertThat(rows.keySet()).as(top.out()).containsExactlyInAnyOrder("busy", "idle");
            return Double.parseDouble(rows.get("busy")[5]) >= BUSY;
        });

        String[] busy = rows.get("busy");
        String[] idle = rows.get("idle");
        assertThat(busy[2]).isEqualTo("running");
        assertThat(busy[4]).isEqualTo(Long.toString(busyPid));
        assertThat(Double.parseDouble(idle[5])).isLessThan(1.0);
        assertThat(busy[6]).isNotEqualTo("-").isNotEqualTo("0K");
        assertThat(idle[6]).isNotEqualTo("-").isNotEqualTo("0K");
        assertThat(idle[7]).isEqualTo("1");
    }

    @Test
    void jsonSnapshotCarriesCpuPercentMemoryAndProcessCountPerService() throws Exception {
        Map<String, JsonObject> services = new HashMap<>();
        await().atMost(BOUND).until(() -> {
            SvctlProcess.Result top = svctl.run("top", "--json", "busy", "idle");
            assertThat(top.exit()).as(top.err()).isZero();
            JsonObject result = (JsonObject) JsonParser.parse(top.out().trim());
            assertThat(result.longOr("interval_ms", 0)).isPositive();
            services.clear();
            for (JsonValue v : result.array("services").items()) {
                services.put(((JsonObject) v).string("name"), (JsonObject) v);
            }
            return percent(services.get("busy")) >= BUSY;
        });

        JsonObject idle = services.get("idle");
        assertThat(percent(idle)).isLessThan(1.0);
        assertThat(services.get("busy").longOr("rss_bytes", 0)).isPositive();
        assertThat(idle.longOr("rss_bytes", 0)).isPositive();
        assertThat(idle.longOr("processes", 0)).isEqualTo(1);
        assertThat(services.get("busy").longOr("cpu_ms", 0)).isPositive();
    }

    @Test
    void anUnknownNameIsNamedAndExits4WhileTheOthersAreShown() throws Exception {
        SvctlProcess.Result top = svctl.run("top", "idle", "nosuch");

        assertThat(top.exit()).isEqualTo(4);
        assertThat(top.err()).contains("no service named nosuch");
        assertThat(top.out()).containsPattern("(?m)^idle +running ");
    }

    private static double percent(JsonObject service) {
        return new BigDecimal(((JsonNumber) service.get("cpu_percent")).text()).doubleValue();
    }

    /**
     * In a terminal (a pty from script(1)) top redraws until q, and gives the terminal back: the
     * alternate screen left, the cursor shown, canonical mode and echo on again (stty -a after it).
     */
    @Test
    void inATerminalTopRefreshesUntilQAndRestoresTheTerminal() throws Exception {
        Terminal t = Terminal.start(svctlCommand("top", "-d", "0.2"));
        try {
            await().atMost(BOUND).until(() -> count(t.output(), "NAME ") >= 2); // two frames: it refreshes
            t.type("q");
            assertThat(t.awaitExit(BOUND)).isZero();
            String out = t.output();
            assertThat(out).contains("\u001b[?1049h", "svctl top - ", "busy ", "idle ");
            assertThat(out.substring(out.lastIndexOf("NAME "))).contains("\u001b[?25h\u001b[?1049l", "EXIT=0");
            assertThat(out).containsPattern("(?m)^ icanon\\r?$").containsPattern("(?m)^ echo\\r?$");
        } finally {
            t.close();
        }
    }

    @Test
    void ctrlCEndsTopAndStillRestoresTheTerminal() throws Exception {
        Terminal t = Terminal.start(svctlCommand("top", "-d", "0.2"));
        try {
            await().atMost(BOUND).until(() -> count(t.output(), "NAME ") >= 1);
            t.type("\u0003");
            assertThat(t.awaitExit(BOUND)).isZero();
            String out = t.output();
            assertThat(out).contains("\u001b[?25h\u001b[?1049l", "EXIT=130");
            assertThat(out).containsPattern("(?m)^ icanon\\r?$").containsPattern("(?m)^ echo\\r?$");
        } finally {
            t.close();
        }
    }

    private String svctlCommand(String... args) {
        return SvctlProcess.java() + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + SvctlProcess.classPath()
                + " dev.svd.cli.Svctl --socket " + dir.resolve("svd.sock") + " " + String.join(" ", args);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * A command run by script(1) on a pseudo-terminal, followed by its exit code and the terminal's
     * canonical-mode and echo flags (from stty -a, one per line); keys typed go through the pty.
     */
    private static final class Terminal implements AutoCloseable {
        private final Process script;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        private Terminal(Process script) {
            this.script = script;
            this.reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (var in = script.getInputStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        output.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    }
                } catch (java.io.IOException e) {
                    output.append("\n[read failed: ").append(e.getMessage()).append("]");
                }
            }, "terminal-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Terminal start(String command) throws java.io.IOException {
            // The shell ignores SIGINT, as an interactive shell does while its foreground job runs: a
            // Ctrl-C reaches the whole foreground group, and dash running -c would otherwise die of it
            // before printing svctl's exit code (CI saw 130 from script). svctl gets SIGINT at its
            // default: a run started in the background of a non-interactive shell hands it ignored
            // (decisions/0004 §1).
            String shell = "trap '' INT; env --default-signal=INT " + command + "; echo EXIT=$?; stty -a | tr ';' '\\n' | tr ' ' '\\n' | grep -x -e icanon -e -icanon "
                    + "-e echo -e -echo | sed 's/^/ /'";
            ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-c", shell, "/dev/null").redirectErrorStream(true);
            pb.environment().remove("NO_COLOR");
            pb.environment().put("SHELL", "/bin/sh"); // script(1) runs $SHELL: dash, as on CI, not the caller's bash
            return new Terminal(pb.start());
        }

        String output() {
            return output.toString();
        }

        void type(String keys) throws java.io.IOException {
            script.getOutputStream().write(keys.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            script.getOutputStream().flush();
        }

        int awaitExit(Duration bound) throws InterruptedException {
            if (!script.waitFor(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError("script did not end within " + bound + "; output:\n" + output());
            }
            reader.join(bound.toMillis());
            return script.exitValue();
        }

        /** Kills script's descendants (svctl's JVM) and script itself, by pid. */
        @Override
        public void close() {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }
}
