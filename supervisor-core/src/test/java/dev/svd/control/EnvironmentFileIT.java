package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code environment-file} (docs/configuration.md) against a real svd through svctl: the files are
 * read again at each start, so an edit takes effect on {@code svctl restart}; a file gone bad fails
 * the start naming the file and line; {@code svd --check} names the config line and the file's line.
 * The service writes its pid under {@code pids/}, which {@link SvdProcess#close} SIGKILLs.
 */
@Timeout(240)
class EnvironmentFileIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Path conf;
    private Path envFile;
    private Path seen;
    private SvdProcess svd;
    private SvctlProcess svctl;
    private final List<Process> checks = new ArrayList<>();

    @BeforeEach
    void paths() throws Exception {
        conf = dir.resolve("svd.conf");
        envFile = dir.resolve("app.env");
        seen = dir.resolve("seen.txt");
        Files.createDirectories(dir.resolve("pids"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        checks.forEach(Process::destroyForcibly);
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
    }

    @Test
    void restartReadsTheEditedFileAndABrokenFileFailsTheStartNamingItsLine() throws Exception {
        Files.writeString(envFile, "# the greeting\nGREETING=\"hello # world\"\nexport_ok=1\n");
        writeConfig("[\"" + envFile + "\", \"-" + dir.resolve("absent.env") + "\"]");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(lastSeen())
                .as("svd's stderr:\n%s", svd.stderr()).isEqualTo("hello # world|block-only|1"));

        Files.writeString(envFile, "GREETING='edited'\n");
        SvctlProcess.Result reread = svctl.run("reread");
        assertThat(reread.exit()).as(reread.err()).isZero();
        assertThat(reread.out()).as("a file's content is not part of the config").isEqualTo("would leave alone: app\nno changes\n");

        SvctlProcess.Result restart = svctl.run("restart", "app", "--timeout", "30s");

        assertThat(restart.exit()).as(restart.err()).isZero();
        await().atMost(BOUND).untilAsserted(() -> assertThat(lastSeen()).isEqualTo("edited|block-only|"));

        Files.writeString(envFile, "GREETING=ok\n\nBAD-NAME=x\n");
        SvctlProcess.Result broken = svctl.run("restart", "app", "--timeout", "30s");

        assertThat(broken.exit()).as(broken.out()).isNotZero();
        assertThat(broken.out() + broken.err()).contains(envFile + ":3: \"BAD-NAME\" is not a variable name");
        assertThat(state()).isEqualTo("failed");

        Files.delete(envFile);
        SvctlProcess.Result missing = svctl.run("start", "app", "--timeout", "30s");

        assertThat(missing.exit()).isNotZero();
        assertThat(missing.out() + missing.err()).contains(envFile + ": no such file");

        Files.writeString(envFile, "GREETING=fixed\n");
        SvctlProcess.Result fixed = svctl.run("start", "app", "--timeout", "30s");

        assertThat(fixed.exit()).as(fixed.out() + fixed.err()).isZero();
        await().atMost(BOUND).untilAsserted(() -> assertThat(lastSeen()).isEqualTo("fixed|block-only|"));
    }

    @Test
    void aCrashRestartTheReloadCheckAndExecProbesSeeTheFilesValues() throws Exception {
        Files.writeString(envFile, "GREETING=first\n");
        Path probe = dir.resolve("probe.txt");
        Path check = dir.resolve("check.txt");
        writeConfig("[\"" + envFile + "\"]",
                "  ready { exec { command = [\"/bin/sh\", \"-c\", \"echo probe:$GREETING >> " + probe + "\"] } }\n"
                + "  reload { check = [\"/bin/sh\", \"-c\", \"echo check:$GREETING >> " + check + "\"] }\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(lastSeen()).isEqualTo("first|block-only|"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(lines(probe)).contains("probe:first"));

        Files.writeString(envFile, "GREETING=second\n");
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("pids/app.pid")).get(0).trim());
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();

        await().atMost(BOUND).untilAsserted(() -> assertThat(lastSeen()).as("the crash restart read the file again")
                .isEqualTo("second|block-only|"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(lines(probe)).contains("probe:second"));
        await().atMost(BOUND).untilAsserted(() -> assertThat(state()).isEqualTo("running"));

        SvctlProcess.Result reload = svctl.run("reload", "app");

        assertThat(reload.exit()).as(reload.out() + reload.err()).isZero();
        assertThat(lines(check)).containsExactly("check:second");
    }

    @Test
    void checkNamesTheConfigLineAndTheFileLineAndRefusesAFifoWithoutOpeningIt() throws Exception {
        Files.writeString(envFile, "A=1\n# fine\nexport B=2\n");
        Path fifo = dir.resolve("pipe.env");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        writeConfig("[\"" + envFile + "\", \"" + fifo + "\", \"" + dir.resolve("absent.env") + "\"]");

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.svd.daemon.Svd", "--check", conf.toString())
                .redirectOutput(dir.resolve("check.out").toFile()).redirectError(dir.resolve("check.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        checks.add(p);
        assertThat(p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("--check did not wait for a FIFO writer").isTrue();

        assertThat(p.exitValue()).isEqualTo(78);
        String at = conf + ":5: services.app.environment-file";
        assertThat(Files.readString(dir.resolve("check.err"))).isEqualTo("svd: configuration has 3 problems:\n"
                + "  " + at + "[0]: " + envFile + ":3: \"export B\": remove \"export\": the file is not a shell script"
                + " (systemd would ignore this line)\n"
                + "  " + at + "[1]: " + fifo + ": not a regular file (a FIFO, socket or device); svd reads only regular files\n"
                + "  " + at + "[2]: " + dir.resolve("absent.env") + ": no such file (create it, or write \"-"
                + dir.resolve("absent.env") + "\" if it may be missing)\n");
    }

    /** Service {@code app} appends "GREETING|ONLY_BLOCK|export_ok" to seen.txt at each start. */
    private void writeConfig(String files) throws Exception {
        writeConfig(files, "");
    }

    private void writeConfig(String files, String extra) throws Exception {
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\n"
                + "services.app {\n"
                + "  command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/app.pid; echo \\\"$GREETING|$ONLY_BLOCK|$export_ok\\\""
                + " >> " + seen + "; exec sleep 1000\"]\n"
                + "  environment { GREETING = from-block, ONLY_BLOCK = block-only }\n"
                + "  environment-file = " + files + "\n"
                + "  start-seconds = 0s\n"
                + extra
                + "}\n");
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private String lastSeen() throws Exception {
        if (!Files.exists(seen)) {
            return "";
        }
        List<String> lines = Files.readAllLines(seen);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private String state() throws Exception {
        SvctlProcess.Result r = svctl.run("status", "--json");
        for (JsonValue v : ((JsonObject) JsonParser.parse(r.out().trim())).array("services").items()) {
            JsonObject s = (JsonObject) v;
            if (s.requireString("name").equals("app")) {
                return s.string("state");
            }
        }
        throw new AssertionError("no service app in " + r.out());
    }
}
