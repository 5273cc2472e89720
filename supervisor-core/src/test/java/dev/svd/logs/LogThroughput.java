package dev.svd.logs;

import dev.svd.os.OutputKind;
import dev.svd.config.LogSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A by-hand throughput check, not a test (no timing assertions belong in the build): pushes
 * 100-byte lines through {@link ServiceOutput#accept} in NuProcess-sized chunks and compares
 * with plain FileChannel writes of the same chunks, once into real files (kernel-bound and noisy
 * on a shared machine) and once into /dev/null (what accept() itself costs on the pump thread).
 * Rotation is off in the file runs so both sides write one big file and meet the same page-cache
 * throttling. Run from the repository root:
 * <pre>
 * mvn -B -q -pl supervisor-core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/svd-cp
 * java -cp supervisor-core/target/classes:supervisor-core/target/test-classes:$(cat /tmp/svd-cp) \
 *     dev.svd.logs.LogThroughput [MiB, default 512] [directory, default /tmp]
 * </pre>
 */
public final class LogThroughput {
    private static final int LINE = 100;
    private static final int ROUNDS = 5;

    private LogThroughput() {
    }

    public static void main(String[] args) throws IOException {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of("/tmp"), "svd-throughput");
        try {
            for (boolean devNull : new boolean[] {false, true}) {
                report(dir, devNull, "64 KiB chunks", mib << 20, 64 * 1024);
                report(dir, devNull, "one line per chunk", Math.min(mib, 64) << 20, LINE);
            }
        } finally {
            delete(dir);
        }
    }

    private static void report(Path dir, boolean devNull, String title, long total, int chunkSize)
            throws IOException {
        byte[] pattern = lines(chunkSize);
        ByteBuffer buffer = ByteBuffer.allocateDirect(chunkSize);
        LogSpec spec = new LogSpec(Long.MAX_VALUE, 5, LogSpec.DEFAULT.tailLines(), true, false, false);
        ConsoleSink nowhere = (bytes, offset, length) -> { };
        Path rawFile = dir.resolve("raw.log");
        Path log = dir.resolve("bench.log");
        if (devNull) {
            Files.createSymbolicLink(rawFile, Path.of("/dev/null"));
            Files.createSymbolicLink(log, Path.of("/dev/null"));
        }
        double[] raw = new double[ROUNDS];
        double[] quiet = new double[ROUNDS];
        double[] console = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            raw[round] = rawWrites(rawFile, pattern, buffer, total, devNull);
            quiet[round] = accepts(dir, new LogSpec(spec.maxSize(), spec.keep(), spec.tailLines(), false, false, false), nowhere,
                    pattern, buffer, total, devNull);
            console[round] = accepts(dir, spec, nowhere, pattern, buffer, total, devNull);
        }
        Files.deleteIfExists(rawFile);
        Files.deleteIfExists(log);
        double base = median(raw);
        long calls = total / chunkSize;
        System.out.printf("%s, %s, %d MiB, median of %d:%n", devNull ? "/dev/null" : "files", title, total >> 20,
                ROUNDS);
        System.out.printf("  FileChannel.write      %7.0f MB/s%n", base);
        line("accept, console off", median(quiet), base, total, calls);
        line("accept, console on ", median(console), base, total, calls);
    }

    private static void line(String what, double rate, double base, long total, long calls) {
        double extraMicros = (total / rate - total / base) / calls;
        System.out.printf("  %s    %7.0f MB/s  (%.2fx; %+.2f us per call)%n", what, rate, rate / base, extraMicros);
    }

    private static double rawWrites(Path file, byte[] pattern, ByteBuffer buffer, long total, boolean devNull)
            throws IOException {
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (long done = 0; done < total; done += buffer.capacity()) {
                fill(buffer, pattern, done);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!devNull) {
            Files.delete(file);
        }
        return total / seconds / 1e6;
    }

    private static double accepts(Path dir, LogSpec spec, ConsoleSink console, byte[] pattern, ByteBuffer buffer,
            long total, boolean devNull) throws IOException {
        long start = System.nanoTime();
        try (ServiceOutput output = new ServiceOutput("bench", spec, dir, console)) {
            for (long done = 0; done < total; done += buffer.capacity()) {
                fill(buffer, pattern, done);
                output.accept(OutputKind.STDOUT, buffer);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!devNull) {
            Files.delete(dir.resolve("bench.log"));
        }
        return total / seconds / 1e6;
    }

    /** Enough 100-byte lines that every chunk is a slice of it (chunks do not align with lines). */
    private static byte[] lines(int chunkSize) {
        byte[] pattern = new byte[LINE * chunkSize];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % LINE == LINE - 1 ? '\n' : 'a' + i % 26);
        }
        return pattern;
    }

    /** What NuProcess's read into its buffer amounts to. */
    private static void fill(ByteBuffer buffer, byte[] pattern, long done) {
        buffer.clear();
        buffer.put(pattern, (int) (done % pattern.length), buffer.capacity()).flip();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }
}
