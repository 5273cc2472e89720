package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.svd.daemon.SvdProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemctl shim (packaging/src/bin/systemctl) as a distribution holds it: {@code bin/systemctl}
 * next to {@code bin/svctl}, run with a PATH that has no svctl (issue 11), against a real svd and
 * with none. Unit names reach svd literally, whatever blanks, globs or dashes they hold.
 */
@Timeout(240)
class SystemctlShimAgainstSvdIT {
    private static final Path SHIM = Path.of("../packaging/src/bin/systemctl").toAbsolutePath().normalize();
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** A PATH without svctl: what a script run by certbot or cron sees. */
    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    @TempDir
    Path dir;
    private Path bin;
    private Path pids;
    private SvdProcess svd;
    private final List<Process> processes = new ArrayList<>();

    /** What the shim printed and how it exited. */
    record Result(int exit, String out, String err) {}

    @BeforeEach
    void distribution() throws IOException {
        assumeTrue(Files.isExecutable(SHIM), "the shim is at " + SHIM);
        bin = Files.createDirectories(dir.resolve("dist/bin"));
        pids = Files.createDirectories(dir.resolve("pids"));
        Files.copy(SHIM, bin.resolve("systemctl"), StandardCopyOption.COPY_ATTRIBUTES);
        // bin/svctl as the launcher runs it: svctl's own jar only, the socket from SVD_SOCKET.
        Path svctl = bin.resolve("svctl");
        Files.writeString(svctl, "#!/bin/sh\nexec '" + SvctlProcess.java() + "' -XX:TieredStopAtLevel=1"
                + " -XX:+UseSerialGC -cp '" + SvctlProcess.classPath() + "' dev.svd.cli.Svctl \"$@\"\n");
        Files.setPosixFilePermissions(svctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        processes.forEach(Process::destroyForcibly);
        if (svd != null) {
            svd.close();
        }
    }

    @Test
    void runsTheSvctlNextToItWhenPathHasNone() throws Exception {
        startSvd();
        Result reload = systemctl(Map.of(), "reload", "web.service");
        assertThat(reload.exit()).as(reload.toString()).isZero();
        assertThat(reload.out()).startsWith("web: reloaded");
        assertThat(systemctl(Map.of(), "is-active", "web")).isEqualTo(new Result(0, "active\n", ""));
        assertThat(systemctl(Map.of(), "is-active", "nope")).isEqualTo(new Result(3, "inactive\n", ""));
    }

    @Test
    void namesReachSvdLiterallyNeverSplitGlobbedOrTakenAsOptions() throws Exception {
        startSvd();
        long web = pid("web");
        long a = pid("a");
        long b = pid("b");
        // A file named "web" in the working directory: a glob * would become "web".
        Files.writeString(dir.resolve("web"), "");

        Result option = systemctl(Map.of(), "stop", "web --socket=/x");
        Result glob = systemctl(Map.of(), "stop", "*");
        Result blank = systemctl(Map.of(), "restart", "a b");
        Result dashes = systemctl(Map.of(), "stop", "--", "--help");

        assertThat(option.exit()).as(option.toString()).isEqualTo(5);
        assertThat(option.err()).contains("svctl: web --socket=/x: no such service: web --socket=/x\n");
        assertThat(glob.exit()).as(glob.toString()).isEqualTo(5);
        assertThat(glob.err()).contains("svctl: *: no such service: *\n");
        assertThat(blank.exit()).as(blank.toString()).isEqualTo(5);
        assertThat(blank.err()).contains("svctl: a b: no such service: a b\n");
        assertThat(dashes.exit()).as(dashes.toString()).isEqualTo(5);
        assertThat(dashes.err()).contains("svctl: --help: no such service: --help\n");
        // Nothing else was asked of svd: the same processes still run.
        assertThat(pid("web")).isEqualTo(web);
        assertThat(pid("a")).isEqualTo(a);
        assertThat(pid("b")).isEqualTo(b);
        assertThat(svd.stdout()).doesNotContain("cmd=stop args={\"names\":[\"web\"]").doesNotContain("cmd=restart args={\"names\":[\"a\"");
    }

    @Test
    void withoutSvdTheStateIsUnknownNeverInactive() throws Exception {
        Map<String, String> env = Map.of("SVD_SOCKET", dir.resolve("absent.sock").toString());

        Result active = systemctl(env, "is-active", "web");
        Result quiet = systemctl(env, "is-active", "--quiet", "web");
        Result status = systemctl(env, "status", "web");
        Result reload = systemctl(env, "reload", "web");
        Result enabled = systemctl(env, "is-enabled", "web");
        // Installed as /usr/local/bin/systemctl -> /opt/svd/bin/systemctl: the svctl beside the target runs.
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("usr-local-bin")).resolve("systemctl"),
                bin.resolve("systemctl"));
        Result linked = run(List.of(link.toString(), "is-active", "web"), env);

        assertThat(active.exit()).isEqualTo(4);
        assertThat(active.out()).isEqualTo("unknown\n");
        assertThat(active.err()).contains("svctl: cannot reach svd at " + dir.resolve("absent.sock"))
                .contains("systemctl shim for svd: the state of web is unknown (svctl exited 69)");
        assertThat(quiet.exit()).isEqualTo(4);
        assertThat(quiet.out()).isEmpty();
        assertThat(status.exit()).isEqualTo(4);
        assertThat(status.err()).contains("cannot reach svd");
        assertThat(reload.exit()).isEqualTo(1);
        assertThat(reload.err()).contains("cannot reach svd");
        assertThat(enabled.exit()).isEqualTo(4);
        assertThat(linked.exit()).isEqualTo(4);
        assertThat(linked.err()).contains("svctl: cannot reach svd at");
    }

    @Test
    void withoutSvctlItSaysSoAndTheStateIsUnknown() throws Exception {
        assumeTrue(!Files.exists(Path.of("/usr/bin/svctl")) && !Files.exists(Path.of("/bin/svctl")), "no svctl on " + PATH);
        Files.delete(bin.resolve("svctl"));
        Map<String, String> env = Map.of("SVD_SOCKET", dir.resolve("absent.sock").toString());

        Result active = systemctl(env, "is-active", "web");
        Result reload = systemctl(env, "reload", "web");

        assertThat(active).isEqualTo(new Result(4, "unknown\n", "systemctl shim for svd: cannot run svctl: it is neither"
                + " next to this script nor on PATH (set SVCTL to its path)\n"));
        assertThat(reload.exit()).isEqualTo(1);
        assertThat(reload.err()).contains("cannot run svctl");
    }

    @Test
    void aStoppedSvdMakesIsActiveUnknown() throws Exception {
        startSvd();
        svd.signal("STOP");
        try {
            Result active = systemctl(Map.of("SVCTL_TIMEOUT", "1s"), "is-active", "web");
            assertThat(active.exit()).as(active.toString()).isEqualTo(4);
            assertThat(active.out()).isEqualTo("unknown\n");
            assertThat(active.err()).contains("did not answer status within 1s (SVCTL_TIMEOUT)");
        } finally {
            svd.signal("CONT");
        }
    }

    private void startSvd() throws Exception {
        Path conf = dir.resolve("svd.conf");
        StringBuilder services = new StringBuilder();
        for (String name : List.of("web", "a", "b")) {
            services.append(name).append(" { command = [\"/bin/sh\", \"-c\", \"echo $$ >> ").append(pids)
                    .append("/").append(name).append(".pid; trap '' HUP; exec sleep 1000\"], reload { signal = HUP } }\n");
        }
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\nservices {\n" + services + "}\n");
        svd = SvdProcess.start(dir, "--config", conf.toString());
        for (String name : List.of("web", "a", "b")) {
            await().atMost(BOUND).untilAsserted(() -> {
                assertThat(svd.isAlive()).as("svd is alive; stdout:\n%s", svd.stdout()).isTrue();
                assertThat(systemctl(Map.of(), "is-active", name).out()).isEqualTo("active\n");
            });
        }
    }

    /** The pid {@code svctl status} reports for a service, through the shim's svctl. */
    private long pid(String name) throws Exception {
        Result r = run(List.of(bin.resolve("svctl").toString(), "status", "--json", name), Map.of());
        String json = r.out();
        int at = json.indexOf("\"pid\":") + 6;
        return Long.parseLong(json.substring(at, json.indexOf(',', at)));
    }

    private Result systemctl(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("systemctl").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, env);
    }

    private Result run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("SVCTL");
        pb.environment().remove("SVCTL_TIMEOUT");
        pb.environment().put("PATH", PATH);
        pb.environment().put("SVD_SOCKET", dir.resolve("svd.sock").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", cmd).isTrue();
        return new Result(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
