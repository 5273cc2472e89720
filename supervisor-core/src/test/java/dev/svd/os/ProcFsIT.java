package dev.svd.os;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ProcFs#holdingListeningSockets} on a python3 child that listens, then closes its socket and lives on. */
class ProcFsIT {
    /** Listens (argv[1]: tcp or a Unix socket path), says "listening", and on a line from stdin closes it, says "closed". */
    private static final String LISTENER = """
            import socket, sys, time
            if sys.argv[1] == "tcp":
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
            else:
                s = socket.socket(socket.AF_UNIX)
                s.bind(sys.argv[1])
            s.listen()
            print("listening", flush=True)
            sys.stdin.readline()
            s.close()
            print("closed", flush=True)
            time.sleep(1000)
            """;

    @TempDir
    Path dir;

    @Test
    void aListeningTcpSocketCountsUntilItIsClosed() throws IOException {
        holdsUntilClosed("tcp");
    }

    @Test
    void aListeningUnixSocketCountsUntilItIsClosed() throws IOException {
        holdsUntilClosed(dir.resolve("s.sock").toString());
    }

    @Test
    void aProcessThatIsGoneHoldsNothing() {
        int self = (int) ProcessHandle.current().pid();
        assertThat(ProcFs.holdingListeningSockets(self, List.of(Integer.MAX_VALUE))).isEmpty();
    }

    private static void holdsUntilClosed(String kind) throws IOException {
        Process p = new ProcessBuilder("python3", "-c", LISTENER, kind).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            int pid = (int) p.pid();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("listening");
            assertThat(ProcFs.holdingListeningSockets(pid, List.of(pid))).containsExactly(pid);

            Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            in.write("close\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("closed");

            assertThat(ProcFs.liveProcess(pid)).isTrue();
            assertThat(ProcFs.holdingListeningSockets(pid, List.of(pid))).as("alive, its listening socket closed")
                    .isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }
}
