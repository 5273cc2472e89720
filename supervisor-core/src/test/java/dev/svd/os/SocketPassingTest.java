package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.Origin;
import dev.svd.config.SocketSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a spawn passes sockets (docs/sockets.md), without spawning: argv, environment, socket addresses. */
class SocketPassingTest {
    private static SpawnRequest request(List<SpawnRequest.PassedSocket> sockets) {
        return new SpawnRequest("web", List.of("gunicorn", "app:wsgi"), Optional.empty(),
                Map.of("LISTEN_FDS", "9", "LISTEN_PID", "1", "LISTEN_FDNAMES", "stale"), Optional.empty(), sockets);
    }

    @Test
    void listenPidIsSetByTheShellThatExecsTheResolvedProgramInPlace() {
        ChildCommand.Exec exec = new ChildCommand.Exec("/srv/venv/bin/gunicorn", List.of("gunicorn", "-w", "3"),
                Path.of("/srv"));

        ChildCommand.Exec wrapped = ChildCommand.withListenPid(exec);

        assertThat(wrapped.program()).isEqualTo("/bin/sh");
        assertThat(wrapped.argv()).containsExactly("/bin/sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$0\" \"$@\"",
                "/srv/venv/bin/gunicorn", "-w", "3");
        assertThat(wrapped.directory()).isEqualTo(Path.of("/srv"));
    }

    @Test
    void theEnvironmentCountsAndNamesThePassedSocketsAndNeverKeepsStaleListenVariables() throws Exception {
        ChildCommand command = new ChildCommand();

        Map<String, String> with = command.environment(request(List.of(new SpawnRequest.PassedSocket(256, "http"),
                new SpawnRequest.PassedSocket(257, "https"))));
        Map<String, String> without = command.environment(request(List.of()));

        assertThat(with).containsEntry("LISTEN_FDS", "2").containsEntry("LISTEN_FDNAMES", "http:https")
                .doesNotContainKey("LISTEN_PID"); // the shell sets it: only it knows the pid
        assertThat(without).doesNotContainKeys("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");
    }

    @Test
    void socketAddressesAreLaidOutAsTheKernelReadsThem() throws Exception {
        byte[] v4 = ListeningSocket.address(new SocketSpec("127.0.0.1:8000", SocketSpec.Family.INET, "127.0.0.1", 8000,
                Optional.empty(), "web", 4096, 0666, Optional.empty(), Optional.empty(), Origin.UNKNOWN));
        assertThat(v4).hasSize(16);
        assertThat(ByteBuffer.wrap(v4).order(ByteOrder.LITTLE_ENDIAN).getShort(0)).isEqualTo((short) 2); // AF_INET
        assertThat(ByteBuffer.wrap(v4).order(ByteOrder.BIG_ENDIAN).getShort(2)).isEqualTo((short) 8000);
        assertThat(new byte[] {v4[4], v4[5], v4[6], v4[7]}).containsExactly(127, 0, 0, 1);

        byte[] v6 = ListeningSocket.address(new SocketSpec("[::1]:443", SocketSpec.Family.INET6, "::1", 443,
                Optional.empty(), "web", 4096, 0666, Optional.empty(), Optional.empty(), Origin.UNKNOWN));
        assertThat(v6).hasSize(28);
        assertThat(v6[0]).isEqualTo((byte) 10); // AF_INET6
        assertThat(ByteBuffer.wrap(v6).getShort(2)).isEqualTo((short) 443);
        assertThat(v6[8 + 15]).isEqualTo((byte) 1);

        byte[] unix = ListeningSocket.address(new SocketSpec("/run/a.sock", SocketSpec.Family.UNIX, "", 0,
                Optional.of(Path.of("/run/a.sock")), "web", 4096, 0666, Optional.empty(), Optional.empty(), Origin.UNKNOWN));
        assertThat(unix).hasSize(110);
        assertThat(unix[0]).isEqualTo((byte) 1); // AF_UNIX
        assertThat(new String(unix, 2, 11, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("/run/a.sock");
        assertThat(unix[13]).as("NUL-terminated").isZero();
    }
}
