package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pump's arming with pipes written by this test (no child processes): a pipe that goes quiet
 * is armed (O_ASYNC, seen in /proc/self/fdinfo), its next write or end of file still arrives,
 * and every byte is kept through floods, pauses and floods again.
 */
class OutputPumpIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int O_ASYNC = 020000;

    private final OutputPump pump = new OutputPump();
    private final List<Integer> writeEnds = new ArrayList<>();

    @AfterEach
    void closeAll() {
        pump.close();
        for (int fd : writeEnds) {
            SpawnCalls.close(fd);
        }
    }

    /** Two pipes registered as one capture's stdout and stderr; returns {read, write} of each. */
    private int[][] capture(OutputListener listener) {
        int[] out = pipe();
        int[] err = pipe();
        pump.register(out[0], err[0], listener);
        return new int[][] {out, err};
    }

    private int[] pipe() {
        int[] fds = new int[2];
        assertThat(SpawnCalls.pipe2(fds, SpawnCalls.O_CLOEXEC)).as("pipe2, errno %d", Native.getLastError()).isZero();
        SpawnCalls.fcntl(fds[0], SpawnCalls.F_SETFL, SpawnCalls.O_NONBLOCK);
        writeEnds.add(fds[1]);
        return fds;
    }

    /** Writes {@code lines} lines of 100 bytes, one write each (the test thread blocks while the pipe is full). */
    private static void lines(int fd, int lines) {
        Memory line = new Memory(100);
        for (int i = 0; i < 99; i++) {
            line.setByte(i, (byte) 'x');
        }
        line.setByte(99, (byte) '\n');
        for (int i = 0; i < lines; i++) {
            assertThat(PumpCalls.write(fd, line, 100)).isEqualTo(100);
        }
    }

    private static boolean armed(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring(6).trim(), 8) & O_ASYNC) != 0;
            }
        }
        throw new AssertionError("no flags in /proc/self/fdinfo/" + fd);
    }

    @Test
    void aPipeThatFloodsThenGoesQuietIsArmedAndTheNextWriteAndTheNextFloodArriveWhole() throws Exception {
        CountingListener out = new CountingListener();
        int[][] fds = capture(out);
        int read = fds[0][0];
        int write = fds[0][1];

        lines(write, 50_000);
        await().atMost(WAIT).until(() -> out.stdout.get() == 5_000_000L);
        await().atMost(WAIT).until(() -> armed(read));

        lines(write, 1);
        await().atMost(WAIT).until(() -> out.stdout.get() == 5_000_100L);
        await().atMost(WAIT).until(() -> armed(read));

        lines(write, 50_000);
        await().atMost(WAIT).until(() -> out.stdout.get() == 10_000_100L);
        await().atMost(WAIT).until(() -> armed(read));
        assertThat(out.stderr.get()).isZero();
        assertThat(out.isClosed()).isFalse();
    }

    @Test
    void aLineNowAndThenCostsOneRoundAndThePipeIsArmedAgainAtOnce() throws Exception {
        CountingListener out = new CountingListener();
        int[][] fds = capture(out);
        int read = fds[0][0];
        await().atMost(WAIT).until(() -> armed(read) && armed(fds[1][0]));

        for (int i = 1; i <= 20; i++) {
            long before = pump.rounds();
            lines(fds[0][1], 1);
            long bytes = 100L * i;
            await().atMost(WAIT).until(() -> out.stdout.get() == bytes && armed(read));
            // Its signal's round reads the line, arms the pipe and reads once more; no round is
            // made to wait for the pipe to stay empty (before: 3 rounds a line, two of them empty).
            assertThat(pump.rounds() - before).as("pump rounds for line %d", i).isEqualTo(1);
        }

        // More than a page after a signal may be a flood starting: read in its round, then two
        // empty rounds before the pipe is armed, as before (and not twenty: the lines above,
        // each armed again at once, are no flood).
        long before = pump.rounds();
        Memory burst = new Memory(5_000); // one write: one signal once all of it is in the pipe
        burst.setMemory(0, 5_000, (byte) '\n');
        assertThat(PumpCalls.write(fds[0][1], burst, 5_000)).isEqualTo(5_000);
        await().atMost(WAIT).until(() -> out.stdout.get() == 7_000L && armed(read));
        assertThat(pump.rounds() - before).as("pump rounds for 5,000 bytes at once").isEqualTo(3);

        lines(fds[0][1], 30_000); // a flood after the lines still arrives whole and ends armed
        await().atMost(WAIT).until(() -> out.stdout.get() == 3_007_000L && armed(read));
        lines(fds[0][1], 1);
        await().atMost(WAIT).until(() -> out.stdout.get() == 3_007_100L && armed(read));
        assertThat(out.stderr.get()).isZero();
    }

    @Test
    void manyPipesThatGetALineAtOnceKeepEveryByteAndAreArmedAgain() throws Exception {
        // As at the start of many services: each capture's stdout gets a line right after it
        // arrives, while others arrive and signal; then a second line on every one, once armed.
        int count = 200;
        List<CountingListener> captures = new ArrayList<>();
        List<int[][]> pipes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CountingListener out = new CountingListener();
            captures.add(out);
            int[][] fds = capture(out);
            pipes.add(fds);
            lines(fds[0][1], 1);
        }
        await().atMost(WAIT).until(() -> {
            for (int i = 0; i < count; i++) {
                int[][] fds = pipes.get(i);
                if (captures.get(i).stdout.get() != 100 || !armed(fds[0][0]) || !armed(fds[1][0])) {
                    return false;
                }
            }
            return true;
        });

        for (int[][] fds : pipes) {
            lines(fds[0][1], 1);
            lines(fds[1][1], 2);
        }
        for (int i = 0; i < count; i++) {
            CountingListener out = captures.get(i);
            await().atMost(WAIT).until(() -> out.stdout.get() == 200 && out.stderr.get() == 200);
        }
        await().atMost(WAIT).until(() -> {
            for (int[][] fds : pipes) {
                if (!armed(fds[0][0]) || !armed(fds[1][0])) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void endOfFileOfArmedPipesEndsTheCapture() throws Exception {
        CountingListener out = new CountingListener();
        int[][] fds = capture(out);
        lines(fds[1][1], 3);
        await().atMost(WAIT).until(() -> armed(fds[0][0]) && armed(fds[1][0]) && out.stderr.get() == 300);

        SpawnCalls.close(fds[0][1]);
        SpawnCalls.close(fds[1][1]);
        writeEnds.clear();

        await().atMost(WAIT).until(out::isClosed);
        assertThat(out.stdout.get()).isZero();
        assertThat(out.stderr.get()).isEqualTo(300);
    }

    @Test
    void endOfFileRightAfterAFloodKeepsEveryByte() {
        CountingListener out = new CountingListener();
        int[][] fds = capture(out);
        lines(fds[0][1], 40_000);
        SpawnCalls.close(fds[0][1]);
        SpawnCalls.close(fds[1][1]);
        writeEnds.clear();

        await().atMost(WAIT).until(out::isClosed);
        assertThat(out.stdout.get()).isEqualTo(4_000_000L);
    }

    @Test
    void eachOfManyArmedPipesDeliversItsOwnBytes() throws Exception {
        List<CountingListener> captures = new ArrayList<>();
        List<int[][]> pipes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CountingListener out = new CountingListener();
            captures.add(out);
            pipes.add(capture(out));
        }
        await().atMost(WAIT).until(() -> {
            for (int[][] fds : pipes) {
                if (!armed(fds[0][0]) || !armed(fds[1][0])) {
                    return false;
                }
            }
            return true;
        });

        for (int i = 0; i < 20; i++) {
            lines(pipes.get(i)[0][1], i + 1);
            lines(pipes.get(i)[1][1], 2 * i + 1);
        }

        for (int i = 0; i < 20; i++) {
            CountingListener out = captures.get(i);
            long stdout = 100L * (i + 1);
            long stderr = 100L * (2 * i + 1);
            await().atMost(WAIT).until(() -> out.stdout.get() == stdout && out.stderr.get() == stderr);
        }
    }

    @Test
    void closingThePumpWhileAPipeIsArmedClosesThePipe() throws Exception {
        CountingListener out = new CountingListener();
        int[][] fds = capture(out);
        lines(fds[0][1], 1);
        await().atMost(WAIT).until(() -> out.stdout.get() == 100 && armed(fds[0][0]));

        pump.close();

        // No reader left: a write fails with EPIPE (the JVM ignores SIGPIPE) instead of queueing
        // a signal to the pump thread that has ended.
        Memory line = new Memory(1);
        line.setByte(0, (byte) '\n');
        AtomicLong errno = new AtomicLong();
        await().atMost(WAIT).until(() -> {
            boolean failed = PumpCalls.write(fds[0][1], line, 1) < 0;
            errno.set(Native.getLastError());
            return failed;
        });
        assertThat(errno.get()).as("errno").isEqualTo(32); // EPIPE
        assertThat(out.isClosed()).as("listeners are not told at svd's close").isFalse();
    }

    @Test
    void aPipeRegisteredAfterTheCloseIsClosedAtOnce() {
        pump.close();
        CountingListener out = new CountingListener();
        int[][] fds = capture(out);

        Memory line = new Memory(1);
        line.setByte(0, (byte) '\n');
        assertThat(PumpCalls.write(fds[0][1], line, 1)).as("write without a reader").isNegative();
        assertThat(PumpCalls.write(fds[1][1], line, 1)).as("write without a reader").isNegative();
    }

    @Test
    void closingPumpsWhileArmedPipesAreWrittenLeavesTheJvmRunning() throws Exception {
        // A signal still queued on a pump thread when it ends used to end the JVM (exit 166 =
        // 128 + SIGRTMIN+4, the JVM restores the thread's first signal mask at its end): if this
        // test's JVM dies, failsafe reports it as crashed.
        Memory line = new Memory(1);
        line.setByte(0, (byte) '\n');
        for (int i = 0; i < 40; i++) {
            OutputPump other = new OutputPump();
            List<int[]> pipes = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                int[] out = pipe();
                int[] err = pipe();
                other.register(out[0], err[0], new CountingListener());
                pipes.add(out);
                pipes.add(err);
            }
            await().atMost(WAIT).until(() -> {
                for (int[] fds : pipes) {
                    if (!armed(fds[0])) {
                        return false;
                    }
                }
                return true;
            });
            Thread writer = new Thread(() -> {
                for (int round = 0; round < 20; round++) {
                    for (int[] fds : pipes) {
                        PumpCalls.write(fds[1], line, 1);
                    }
                }
            });
            writer.start();
            other.close();
            writer.join();
        }
        assertThat(Thread.currentThread().isAlive()).isTrue();
    }
}
