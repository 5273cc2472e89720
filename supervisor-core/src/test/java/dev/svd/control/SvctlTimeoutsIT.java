package dev.svd.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.svd.daemon.SvdProcess;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * svctl gives up on an svd that does not answer (issue 12): a stopped svd, a socket nobody serves;
 * reads svd's BUSY answer even when its own write failed; refuses a socket of an untrusted owner.
 * No durations are asserted: the tests use short SVCTL_TIMEOUT and --timeout values.
 */
@Timeout(180)
class SvctlTimeoutsIT {
    @TempDir
    Path dir;

    @Test
    void aSocketThatIsNeverServedTimesOutWith69() throws Exception {
        Path socket = dir.resolve("svd.sock");
        try (ServerSocketChannel unserved = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             SvctlProcess svctl = new SvctlProcess(socket)) {
            unserved.bind(UnixDomainSocketAddress.of(socket)); // listens, never accepts

            SvctlProcess.Result status = svctl.run(Map.of("SVCTL_TIMEOUT", "1s"), "status");
            SvctlProcess.Result start = svctl.run(Map.of("SVCTL_TIMEOUT", "1s"), "start", "web", "--timeout", "2s");

            assertThat(status.exit()).isEqualTo(69);
            assertThat(status.out()).isEmpty();
            assertThat(status.err()).isEqualTo("svctl: svd at " + socket + " did not answer status within 1s"
                    + " (SVCTL_TIMEOUT): is it stopped (SIGSTOP, a debugger) or overloaded? svctl gave up;"
                    + " SVCTL_TIMEOUT=2m waits longer\n");
            // An action waits for its own timeout plus a margin, longer than a quick request.
            assertThat(start.exit()).isEqualTo(69);
            assertThat(start.err()).contains("did not answer start within 7s (--timeout 2s + 5s)");
        }
    }

    @Test
    void aStoppedSvdTimesOutWith69AndAnswersAgainOnceContinued() throws Exception {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 10s }\nservices {\n  idle { command = [\"/bin/sh\", \"-c\","
                + " \"echo $$ >> " + dir + "/pids/idle.pid; exec sleep 1000\"] }\n}\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString());
             SvctlProcess svctl = new SvctlProcess(dir.resolve("svd.sock"))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(svd.isAlive()).as("svd is alive; stdout:\n%s", svd.stdout()).isTrue();
                assertThat(svctl.run("status", "idle").exit()).isZero();
            });
            svd.signal("STOP");
            SvctlProcess.Result stopped;
            try {
                stopped = svctl.run(Map.of("SVCTL_TIMEOUT", "1s"), "status", "idle");
            } finally {
                svd.signal("CONT");
            }
            assertThat(stopped.exit()).isEqualTo(69);
            assertThat(stopped.err()).startsWith("svctl: svd at " + dir.resolve("svd.sock")
                    + " did not answer status within 1s (SVCTL_TIMEOUT)");
            assertThat(svctl.run("status", "idle").exit()).isZero();
        }
    }

    /**
     * svd refuses a client over its limit by writing BUSY and closing without reading (ControlServer).
     * A request larger than the socket's buffer makes svctl's write fail every time (EPIPE), which
     * is what happened now and then with small requests.
     */
    @Test
    void busyIsReportedAsBusyEvenWhenTheRequestCouldNotBeWritten() throws Exception {
        Path socket = dir.resolve("svd.sock");
        try (ServerSocketChannel busy = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             SvctlProcess svctl = new SvctlProcess(socket)) {
            busy.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        try (SocketChannel ch = busy.accept()) {
                            ch.write(ByteBuffer.wrap(Response.error(null, ErrorCode.BUSY, "svd already serves 32 control"
                                    + " clients; try again").toLine().getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<String> args = new ArrayList<>(List.of("status"));
            for (int i = 0; i < 4000; i++) {
                args.add("service-with-a-rather-long-name-to-fill-the-socket-buffer-" + i);
            }

            SvctlProcess.Result large = svctl.run(args.toArray(new String[0]));
            SvctlProcess.Result small = svctl.run("status");
            server.get();

            String expected = "svctl: svd already serves 32 control clients; try again\nsvctl: hint: try again in a moment\n";
            assertThat(large).isEqualTo(new SvctlProcess.Result(1, "", expected));
            assertThat(small).isEqualTo(new SvctlProcess.Result(1, "", expected));
        }
    }

    @Test
    void aSocketOfAnotherUserIsRefusedUnlessNamedAsSvdsOwner() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "only root can give a socket away");
        Path socket = dir.resolve("svd.sock");
        FakeSupervisorControl engine = new FakeSupervisorControl();
        try (ControlServer server = new ControlServer(socket, engine, engine, engine, engine, engine,
                AuthorizationPolicy.forDaemonUser(null), ControlLimits.DEFAULT,
                Clock.fixed(FakeSupervisorControl.NOW, ZoneOffset.UTC));
             SvctlProcess svctl = new SvctlProcess(socket)) {
            server.start();
            Files.setAttribute(socket, "unix:uid", 54321);

            SvctlProcess.Result refused = svctl.run("status", "web");
            SvctlProcess.Result trusted = svctl.run(Map.of("SVCTL_SOCKET_OWNER", "54321"), "status", "web");

            assertThat(refused.exit()).isEqualTo(77);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.err()).isEqualTo("svctl: refusing the control socket " + socket + ": it belongs to 54321"
                    + " (uid 54321), not to root or to you (uid 0), so it may not be svd's; if svd runs as 54321,"
                    + " set SVCTL_SOCKET_OWNER=54321\n");
            assertThat(trusted.exit()).as(trusted.toString()).isZero();
        }
    }
}
