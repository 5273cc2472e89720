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

    /**
     * svd reads its own children after every exit; with 2,000 services the list is longer than the
     * 4 KiB it reads at a time, so a pid may be split between two reads.
     */
    @Test
    void childrenOfAllThreadsReadsAListLongerThanOneRead() throws IOException {
        String forker = """
                import os, signal, sys
                os.setpgid(0, 0)
                for i in range(int(sys.argv[1])):
                    if os.fork() == 0:
                        signal.pause()
                        os._exit(0)
                print("forked", flush=True)
                signal.pause()
                """;
        Process p = new ProcessBuilder("python3", "-c", forker, "1000").redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int pid = (int) p.pid();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("forked");
            String listed = java.nio.file.Files.readString(Path.of("/proc", Integer.toString(pid), "task",
                    Integer.toString(pid), "children"));
            assertThat(listed.length()).as("the list is longer than one read").isGreaterThan(4096);
            List<Integer> expected = java.util.Arrays.stream(listed.trim().split(" ")).map(Integer::valueOf).toList();

            assertThat(ProcFs.childrenOfAllThreads(pid)).hasSize(1000).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            Kernel.signalGroup(pid, dev.svd.config.Signal.KILL); // the python's own group: it and its children
            p.destroyForcibly();
        }
    }

    @Test
    void childrenOfAllThreadsOfAProcessThatIsGoneIsEmpty() {
        assertThat(ProcFs.childrenOfAllThreads(Integer.MAX_VALUE - 7)).isEmpty();
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
