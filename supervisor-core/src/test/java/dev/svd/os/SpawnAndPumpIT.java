package dev.svd.os;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** svd's own spawner and output pump with real processes: what a child starts with, and every byte kept. */
class SpawnAndPumpIT {
    @TempDir
    Path dir;

    private final Map<Integer, ExitStatus> exits = new ConcurrentHashMap<>();
    private final List<Integer> spawned = new ArrayList<>();
    private Processes processes;

    @BeforeEach
    void start() {
        processes = new Processes(exits::put);
    }

    @AfterEach
    void stop() {
        for (int pid : spawned) {
            if (Kernel.groupAlive(pid)) {
                Kernel.signalGroup(pid, Signal.KILL);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> spawned.stream().allMatch(exits::containsKey));
        processes.close();
    }

    private int spawn(OutputListener output, String... command) throws SpawnException {
        int pid = processes.spawn(new SpawnRequest("t", List.of(command), Optional.of(dir), Map.of(), Optional.empty()),
                output);
        spawned.add(pid);
        return pid;
    }

    @Test
    void childHasOnlyStdinStdoutStderrItsOwnSessionAndStdinOnDevNull() throws Exception {
        int pid = spawn(new CountingListener(), "/bin/sleep", "1000");
        List<String> fds;
        try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(fds).as("descriptors of the child: none of the JVM's may leak").containsExactly("0", "1", "2");
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0"))).isEqualTo(Path.of("/dev/null"));
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/1")).toString()).startsWith("pipe:");
        assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd"))).isEqualTo(dir.toRealPath());
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(Integer.parseInt(f[2])).as("process group").isEqualTo(pid);
        assertThat(Integer.parseInt(f[3])).as("session").isEqualTo(pid);
    }

    /**
     * argv and the environment reach the program byte for byte (UTF-8, empty strings, many
     * variables), and a second spawn gets its own: the spawn builds them in one native block it
     * frees as soon as posix_spawn returns, so a block freed too early or shared would show here.
     */
    @Test
    void argvAndEnvironmentArriveExactlyForEachSpawn() throws Exception {
        List<String> pids = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            Map<String, String> env = new java.util.TreeMap<>();
            for (int i = 0; i < 300; i++) {
                env.put("SVD_TEST_" + round + "_" + i, "value " + i + " \u00e9\u4e2d " + "x".repeat(i));
            }
            env.put("SVD_TEST_EMPTY", "");
            // the shell stays (a command follows sleep), with its argv as given; "" and the rest are $0, $1
            List<String> command = List.of("/bin/sh", "-c", "sleep 1000; exit 0", "", "r\u00e9sum\u00e9 " + round);
            int pid = processes.spawn(new SpawnRequest("t", command, Optional.of(dir), env, Optional.empty()),
                    new CountingListener());
            spawned.add(pid);
            pids.add(Integer.toString(pid));
            // posix_spawn returns once the exec has begun; the new program's argv is in place a moment later
            Path cmdline = Path.of("/proc/" + pid + "/cmdline");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllBytes(cmdline).length > 0);
            assertThat(new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(String.join("\0", command) + "\0");
            List<String> environ = List.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")),
                    java.nio.charset.StandardCharsets.UTF_8).split("\0"));
            for (Map.Entry<String, String> e : env.entrySet()) {
                assertThat(environ).as("round %d", round).contains(e.getKey() + "=" + e.getValue());
            }
            String other = "SVD_TEST_" + (1 - round) + "_";
            assertThat(environ).as("round %d: nothing of the other round", round).noneMatch(v -> v.startsWith(other));
        }
        assertThat(pids).doesNotHaveDuplicates();
    }

    @Test
    void everyByteArrivesWhenTheChildEnlargesItsPipeAndExits() throws Exception {
        // 8 MiB through a pipe the child made 1 MiB large, then exit at once: the pump must read
        // until end of file, not stop at the first read after the writer is gone.
        String script = "import fcntl, os\n"
                + "fcntl.fcntl(1, 1031, 1 << 20)\n"
                + "chunk = b'x' * 65536\n"
                + "for _ in range(128):\n"
                + "    os.write(1, chunk)\n"
                + "os.write(2, b'e' * 1000)\n";
        CountingListener out = new CountingListener();
        int pid = spawn(out, "/usr/bin/python3", "-c", script);
        assertThat(out.closed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.stdout.get()).isEqualTo(8L << 20);
        assertThat(out.stderr.get()).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> exits.containsKey(pid));
        assertThat(exits.get(pid).toString()).isEqualTo("exited 0");
    }

    @Test
    void aFastWriterThroughTheDefaultPipeLosesNothing() throws Exception {
        CountingListener out = new CountingListener();
        spawn(out, "/bin/sh", "-c", "head -c 33554432 /dev/zero; head -c 12345 /dev/zero >&2");
        assertThat(out.closed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.stdout.get()).isEqualTo(32L << 20);
        assertThat(out.stderr.get()).isEqualTo(12345);
    }

    @Test
    void aFloodOfSmallWritesThenQuietThenMoreLosesNothing() throws Exception {
        // One write per 50-byte line: the pump reads such a pipe every round while it floods and
        // arms it when it goes quiet (the pause); the next write's signal makes it read it again.
        String script = "import os, time\n"
                + "line = b'x' * 49 + b'\\n'\n"
                + "for _ in range(100000):\n"
                + "    os.write(1, line)\n"
                + "time.sleep(0.3)\n"
                + "for _ in range(100000):\n"
                + "    os.write(1, line)\n";
        CountingListener out = new CountingListener();
        spawn(out, "/usr/bin/python3", "-c", script);
        assertThat(out.closed.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.stdout.get()).isEqualTo(200_000L * 50);
    }

    @Test
    void aFileThatCannotBeExecutedIsASpawnErrorWithTheKernelsReason() throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> spawn(new CountingListener(), garbage.toString()))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("exec format error");
    }
}
