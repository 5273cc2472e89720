package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** packaging/src/bin/systemctl driving svctl against the control server. */
@Timeout(120)
class SystemctlShimIT {
    private static final Path SHIM = Path.of("../packaging/src/bin/systemctl").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    private final FakeSupervisorControl engine = new FakeSupervisorControl();
    private ControlServer server;
    private Path svctl;
    private final List<Process> processes = new ArrayList<>();

    /** What the shim printed and how it exited. */
    record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(SHIM), "the shim is at " + SHIM);
        Path socket = tmp.resolve("svd.sock");
        server = new ControlServer(socket, engine, engine, engine, engine, engine,
                AuthorizationPolicy.forDaemonUser(null), ControlLimits.DEFAULT,
                Clock.fixed(FakeSupervisorControl.NOW, ZoneOffset.UTC));
        server.start();
        svctl = tmp.resolve("svctl");
        Files.writeString(svctl, "#!/bin/sh\nexec '" + SvctlProcess.java() + "' -XX:TieredStopAtLevel=1 -cp '"
                + SvctlProcess.classPath() + "' dev.svd.cli.Svctl --socket '" + socket + "' \"$@\"\n");
        Files.setPosixFilePermissions(svctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        server.close();
    }

    private Result systemctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", SHIM.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SVCTL", svctl.toString());
        Process p = pb.start();
        processes.add(p);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err.get());
    }

    @Test
    void reloadOfAServiceUnitReachesSvd() throws Exception {
        Result r = systemctl("reload", "web.service");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("web: reloaded");
        assertThat(systemctl("restart", "nope").exit()).isEqualTo(5);
        assertThat(systemctl("stop", "web").exit()).isZero();
        assertThat(systemctl("start", "web").exit()).isZero();
    }

    @Test
    void isActiveAndStatusUseSystemctlExitCodes() throws Exception {
        assertThat(systemctl("is-active", "web.service")).isEqualTo(new Result(0, "active\n", ""));
        assertThat(systemctl("is-active", "db")).isEqualTo(new Result(3, "inactive\n", ""));
        assertThat(systemctl("is-active", "--quiet", "db")).isEqualTo(new Result(3, "", ""));
        assertThat(systemctl("status", "web").exit()).isZero();
        assertThat(systemctl("status", "db").exit()).isEqualTo(3);
        assertThat(systemctl("status", "nope").exit()).isEqualTo(4);
        assertThat(systemctl("is-enabled", "web")).isEqualTo(new Result(0, "enabled\n", ""));
        assertThat(systemctl("is-enabled", "nope").exit()).isEqualTo(1);
    }

    @Test
    void everythingElseIsClearlyUnsupported() throws Exception {
        assertThat(systemctl("daemon-reload")).isEqualTo(
                new Result(1, "", "systemctl shim for svd: 'daemon-reload' is not supported\n"));
        assertThat(systemctl("--user", "start", "web").err()).isEqualTo("systemctl shim for svd: '--user' is not supported\n");
        assertThat(systemctl("start", "web.socket").exit()).isEqualTo(1);
    }
}
