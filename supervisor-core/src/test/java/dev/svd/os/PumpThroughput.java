package dev.svd.os;

import dev.svd.config.LogSpec;
import dev.svd.logs.ServiceOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A by-hand check, not a test: the CPU time svd's pump thread ({@link OutputPump}) spends carrying
 * the output of bench's {@code writer} (bench/src/writer.c), with a listener that {@code discard}s
 * the bytes (what the pump itself costs), writes them with a plain {@code raw} FileChannel.write, or
 * hands them to {@code svd}'s ServiceOutput (console off, as in {@code bench/run output}) through
 * output() (the read path), as {@code records} (log.timestamps on, console off: the default's file),
 * with the {@code console} on (timestamps off, the console to /dev/null), with {@code both} (the
 * container default: records and console), or lets the pump
 * {@code splice} them into its file. Run it
 * with the launcher's JIT flags, which change the answer:
 * <pre>
 * gcc -O2 -o /tmp/writer bench/src/writer.c
 * mvn -B -q -pl supervisor-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/svd-cp
 * java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 \
 *     -cp supervisor-core/target/classes:supervisor-core/target/test-classes:$(cat /tmp/svd-cp) \
 *     dev.svd.os.PumpThroughput discard|raw|svd|records|console|both|splice /tmp/writer chunk|line DIRECTORY
 * </pre>
 * Run each mode several times, interleaved: on a shared 2-core machine single runs vary by 30%.
 */
public final class PumpThroughput {
    private static final long LINES = 5_368_709; // bench/bench.py: 100-byte lines, just under 512 MiB

    private PumpThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Files.createDirectories(Path.of(args[3]));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean console = mode.equals("console") || mode.equals("both");
        LogSpec spec = new LogSpec(1L << 30, 5, 200, console, mode.equals("records") || mode.equals("both"), false);
        try (java.io.FileOutputStream devNull = new java.io.FileOutputStream("/dev/null");
                ServiceOutput svd = new ServiceOutput("writer", spec, dir, (bytes, offset, length) -> {
                    try {
                        devNull.write(bytes, offset, length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                FileChannel raw = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                Processes processes = new Processes((pid, status) -> { })) {
            long[] cpu = new long[2];
            long[] user = new long[2];
            long[] counts = new long[2];
            CountDownLatch closed = new CountDownLatch(1);
            OutputListener listener = new SplicingListener() {
                @Override
                public SpliceFile spliceTarget(OutputKind stream, long max) {
                    if (!mode.equals("splice")) {
                        return null;
                    }
                    if (counts[0] == 0) {
                        cpu[0] = threads.getCurrentThreadCpuTime();
                        user[0] = threads.getCurrentThreadUserTime();
                    }
                    synchronized (svd) { // as LoggedOutputs does
                        return svd.spliceTarget(stream, max);
                    }
                }

                @Override
                public void spliced(OutputKind stream, long bytes) {
                    counts[0]++;
                    counts[1] += bytes;
                    synchronized (svd) {
                        svd.spliced(stream, bytes);
                    }
                }

                @Override
                public void output(OutputKind stream, ByteBuffer buffer) {
                    if (counts[0]++ == 0 && !mode.equals("splice")) {
                        cpu[0] = threads.getCurrentThreadCpuTime();
                        user[0] = threads.getCurrentThreadUserTime();
                    }
                    counts[1] += buffer.remaining();
                    switch (mode) {
                        case "discard" -> buffer.position(buffer.limit());
                        case "raw" -> write(raw, buffer);
                        default -> {
                            synchronized (svd) { // as LoggedOutputs does
                                svd.accept(stream, buffer);
                            }
                        }
                    }
                }

                @Override
                public void closed() {
                    cpu[1] = threads.getCurrentThreadCpuTime();
                    user[1] = threads.getCurrentThreadUserTime();
                    closed.countDown();
                }
            };
            long start = System.nanoTime();
            processes.spawn(new SpawnRequest("writer", List.of(args[1], args[2], Long.toString(LINES),
                    dir.resolve("stamps").toString()), Optional.empty(), Map.of(), Optional.empty()), listener);
            closed.await();
            long wall = System.nanoTime() - start;
            System.out.printf("%s %s: %d bytes in %d reads, pump CPU %d ms (user %d ms), wall %d ms%n", mode, args[2],
                    counts[1], counts[0], (cpu[1] - cpu[0]) / 1_000_000, (user[1] - user[0]) / 1_000_000, wall / 1_000_000);
        }
    }

    private static void write(FileChannel channel, ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
