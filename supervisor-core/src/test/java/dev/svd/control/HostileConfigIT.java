package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.daemon.SvdProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configurations that hung or crashed svd (issue 12), through {@code svd --check} and through a
 * running svd's reread, update and SIGHUP: each is refused with file:line and exit 78, nothing
 * waits for good, and the running services are not disturbed.
 */
@Timeout(180)
class HostileConfigIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private SvdProcess svd;
    private SvctlProcess svctl;
    private final List<Process> checks = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        checks.forEach(Process::destroyForcibly);
        if (svctl != null) {
            svctl.close();
        }
        if (svd != null) {
            svd.close();
        }
    }

    @Test
    void checkOfARelativePathFindsTheIncludesNextToIt() throws Exception {
        Files.writeString(dir.resolve("loop1.conf"), "include \"loop2.conf\"\n" + daemon() + "services.a.command = [sleep, \"100\"]\n");
        Files.writeString(dir.resolve("loop2.conf"), "services.b.command = [sleep, \"100\"]\n");

        Check check = check(dir, "loop1.conf");

        assertThat(check.exit).as(check.err).isZero();
        assertThat(check.out).startsWith("loop1.conf: ok, 2 services\n").contains("\n  a: sleep 100\n", "\n  b: sleep 100\n");
    }

    @Test
    void checkRefusesAFifoIncludeAtOnceInsteadOfWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("pipe.conf");
        mkfifo(fifo);
        Path conf = Files.writeString(dir.resolve("svd.conf"), daemon() + "include file(\"pipe.conf\")\nservices.a.command = [sleep, \"100\"]\n");

        Check check = check(dir, conf.toString());

        assertThat(check.exit).isEqualTo(78);
        assertThat(check.err).isEqualTo("svd: configuration has 1 problem:\n  " + conf + ":2: " + fifo
                + ": not a regular file (a FIFO, socket or device): svd reads its configuration only from regular files\n");
    }

    @Test
    void checkRefusesFiftyMebibytesAndDeepNestingWithExit78() throws Exception {
        Path big = dir.resolve("big.conf");
        try (var out = Files.newBufferedWriter(big)) {
            out.write(daemon() + "services.a.command = [sleep, \"100\"]\n");
            String line = "# " + "x".repeat(1021) + "\n";
            for (int i = 0; i < 50 * 1024; i++) {
                out.write(line);
            }
        }
        Path deep = Files.writeString(dir.resolve("deep.conf"), daemon() + "x = " + "[".repeat(100_000) + "\n");

        Check tooBig = check(dir, big.toString());
        Check tooDeep = check(dir, deep.toString());

        assertThat(tooBig.exit).isEqualTo(78);
        assertThat(tooBig.err).contains(big + ": the configuration is too large: ").doesNotContain("Exception", "Error");
        assertThat(tooDeep.exit).isEqualTo(78);
        assertThat(tooDeep.err).isEqualTo("svd: configuration has 1 problem:\n  " + deep
                + ":2: nested more than 64 levels deep ({ and [); svd reads no deeper\n");
    }

    @Test
    void checkRefusesUsersThatCannotBeStartedAndNamesThatCannotBeFiles() throws Exception {
        Path conf = Files.writeString(dir.resolve("svd.conf"), daemon() + "services {\n"
                + "  a { command = [sleep, \"100\"], user = \"-1\" }\n"
                + "  b { command = [sleep, \"100\"], user = \"99999\" }\n"
                + "  " + "c".repeat(300) + " { command = [sleep, \"100\"] }\n"
                + "}\n");

        Check check = check(dir, conf.toString());

        assertThat(check.exit).isEqualTo(78);
        assertThat(check.err).contains(conf + ":3: services.a.user: no such user \"-1\" in /etc/passwd")
                .contains(conf + ":4: services.b.user: no such user \"99999\" in /etc/passwd")
                .contains(conf + ":5: services." + "c".repeat(300) + ": a service name has at most 128 characters (this one has 300)");
    }

    @Test
    void aFifoIncludeNeverBlocksRereadUpdateOrSighupOfARunningSvd() throws Exception {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, daemon() + "services.a { command = [/bin/sh, -c, \"echo $$ > " + dir.resolve("pids/a.pid")
                + "; exec sleep 1000\"], start-seconds = 0s }\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        svctl = new SvctlProcess(dir.resolve("svd.sock"));
        await().atMost(BOUND).until(() -> svctl.run("status", "a").out().contains("running"));
        long pid = Long.parseLong(Files.readString(dir.resolve("pids/a.pid")).trim());
        mkfifo(dir.resolve("pipe.conf"));
        Files.writeString(conf, Files.readString(conf) + "include file(\"pipe.conf\")\nservices.b.command = [sleep, \"100\"]\n");

        SvctlProcess.Result reread = svctl.run("reread");
        svd.signal("HUP");
        SvctlProcess.Result update = svctl.run("update");
        SvctlProcess.Result status = svctl.run("status");

        assertThat(reread.exit()).isNotZero();
        assertThat(reread.out() + reread.err()).contains("pipe.conf: not a regular file");
        assertThat(update.exit()).isNotZero();
        assertThat(update.out() + update.err()).contains("pipe.conf: not a regular file");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).containsPattern("(?m)^a +running +" + pid + " ").doesNotContain("\nb ");
        svd.awaitLog("pipe.conf: not a regular file");
        assertThat(Files.readString(dir.resolve("pids/a.pid")).trim()).isEqualTo(Long.toString(pid));
        svd.signal("TERM");
        assertThat(svd.awaitExit(BOUND)).isZero();
    }

    private String daemon() {
        return "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \"" + dir + "/state\" }\n";
    }

    private record Check(int exit, String out, String err) {
    }

    /** {@code svd --check FILE} run in {@code workingDirectory}, as an operator types it there. */
    private Check check(Path workingDirectory, String file) throws Exception {
        Path out = dir.resolve("check.out");
        Path err = dir.resolve("check.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.svd.daemon.Svd", "--check", file)
                .directory(workingDirectory.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        checks.add(p);
        if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("svd --check " + file + " did not finish within " + BOUND);
        }
        return new Check(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
