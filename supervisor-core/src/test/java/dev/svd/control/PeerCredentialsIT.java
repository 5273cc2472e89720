package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Clients running as another uid (setpriv, as root) against the real socket: SO_PEERCRED
 * identifies them, the read-only group may read, strangers are refused.
 */
@Timeout(60)
class PeerCredentialsIT {
    /** Sends each request line and prints each answer line; prints the errno text if connect fails. */
    private static final String CLIENT = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    print('connect: ' + e.strerror); sys.exit(0)",
            "f = s.makefile('rwb')",
            "for req in sys.argv[2:]:",
            "    f.write(req.encode() + b'\\n'); f.flush()",
            "    print(f.readline().decode().strip())");

    @TempDir
    Path tmp;
    private final FakeSupervisorControl engine = new FakeSupervisorControl();
    private final List<ControlServer> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void requireRootAndSetpriv() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a client as another uid");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs setpriv and python3");
        // @TempDir is 0700; the other uid must be able to traverse it to reach the socket's directory.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        logs.start();
        ((Logger) LoggerFactory.getLogger("dev.svd.control")).addAppender(logs);
    }

    @AfterEach
    void cleanUp() {
        ((Logger) LoggerFactory.getLogger("dev.svd.control")).detachAppender(logs);
        processes.forEach(Process::destroyForcibly);
        servers.forEach(ControlServer::close);
    }

    private Path serve(String dir, String readOnlyGroup) throws Exception {
        Path socket = tmp.resolve(dir).resolve("svd.sock");
        ControlServer s = new ControlServer(socket, engine, engine, engine, engine, engine,
                AuthorizationPolicy.forDaemonUser(readOnlyGroup), ControlLimits.DEFAULT, Clock.systemUTC());
        servers.add(s);
        s.start();
        return socket;
    }

    /** Runs a command as uid 65534 with the given gid and no supplementary groups; returns its stdout lines. */
    private List<String> runAs(int gid, String... command) throws Exception {
        return runAs(65534, gid, command);
    }

    private List<String> runAs(int uid, int gid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).start();
        processes.add(p);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(err.get(), StandardCharsets.UTF_8);
        return List.of((out + (stderr.isEmpty() ? "" : "STDERR " + stderr)).split("\n"));
    }

    private List<String> pythonAs(int gid, Path socket, String... requests) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", CLIENT, socket.toString()));
        cmd.addAll(List.of(requests));
        return runAs(gid, cmd.toArray(new String[0]));
    }

    @Test
    void theReadOnlyGroupMayReadButNotChange() throws Exception {
        Path socket = serve("ro", "nogroup");
        assertThat(Files.readAttributes(socket.getParent(), java.nio.file.attribute.PosixFileAttributes.class)
                .group().getName()).isEqualTo("nogroup");
        List<String> answers = pythonAs(65534, socket,
                "{\"v\":1,\"id\":\"1\",\"cmd\":\"status\",\"args\":{\"names\":[\"web\"]}}",
                "{\"v\":1,\"id\":\"2\",\"cmd\":\"stop\",\"args\":{\"names\":[\"web\"]}}",
                "{\"v\":1,\"id\":\"3\",\"cmd\":\"logs\",\"args\":{\"name\":\"web\",\"lines\":0}}");
        assertThat(answers.get(0)).startsWith("{\"v\":1,\"id\":\"1\",\"ok\":true,\"result\":{\"services\":[{\"name\":\"web\"");
        assertThat(answers.get(2)).as("logs is a read: allowed").startsWith("{\"v\":1,\"id\":\"3\",\"ok\":true,\"result\":");
        assertThat(answers.get(1)).startsWith("{\"v\":1,\"id\":\"2\",\"ok\":false,\"error\":{\"code\":\"PERMISSION_DENIED\","
                + "\"message\":\"permission denied: user nobody may not run stop");
        assertThat(engine.service("web").orElseThrow().state().label()).isEqualTo("running");
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("control: refused stop from user nobody (group nogroup)"));
    }

    /**
     * Issue 12: access is decided by numbers. A uid without a passwd entry (its name is only its
     * number, as root's was when the lookup failed under EMFILE) reads by its gid.
     */
    @Test
    void aUidWithoutANameIsAuthorizedByItsNumbers() throws Exception {
        Path socket = serve("numbers", "nogroup");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", CLIENT, socket.toString(),
                "{\"v\":1,\"id\":\"1\",\"cmd\":\"status\",\"args\":{\"names\":[\"web\"]}}",
                "{\"v\":1,\"id\":\"2\",\"cmd\":\"stop\",\"args\":{\"names\":[\"web\"]}}"));
        List<String> answers = runAs(12345, 65534, cmd.toArray(new String[0]));
        assertThat(answers.get(0)).startsWith("{\"v\":1,\"id\":\"1\",\"ok\":true,");
        assertThat(answers.get(1)).startsWith("{\"v\":1,\"id\":\"2\",\"ok\":false,\"error\":{\"code\":\"PERMISSION_DENIED\","
                + "\"message\":\"permission denied: user 12345 may not run stop");
        assertThat(engine.service("web").orElseThrow().state().label()).isEqualTo("running");
    }

    @Test
    void aStrangerIsRefusedEvenWhenTheSocketModeLetsThemConnect() throws Exception {
        Path dir = tmp.resolve("open");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path socket = serve("open", null);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> answers = pythonAs(65534, socket, "{\"v\":1,\"id\":\"1\",\"cmd\":\"status\"}");
        assertThat(answers).containsExactly("{\"v\":1,\"id\":\"1\",\"ok\":false,\"error\":{\"code\":\"PERMISSION_DENIED\","
                + "\"message\":\"permission denied: user nobody may not run status (full access: root; "
                + "no read-only group configured)\"}}");
    }

    @Test
    void outsideTheGroupTheSocketModeKeepsAClientOut() throws Exception {
        Path socket = serve("closed", "nogroup");
        assertThat(pythonAs(12345, socket, "{\"v\":1,\"id\":\"1\",\"cmd\":\"status\"}"))
                .containsExactly("connect: Permission denied");
        List<String> svctl = runAs(12345, SvctlProcess.java(), "-cp", SvctlProcess.classPath(), "dev.svd.cli.Svctl",
                "--socket", socket.toString(), "status");
        assertThat(svctl).containsExactly("STDERR svctl: cannot reach svd at " + socket
                + " (permission denied): is it running?");
    }
}
