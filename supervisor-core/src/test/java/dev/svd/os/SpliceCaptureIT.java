package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.svd.config.LogSpec;
import dev.svd.logs.ServiceOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero copy (docs/logging.md): with neither timestamps nor console, the pump splices a service's
 * output from its pipe into NAME.log; every byte is kept through rotation (cut exactly after a
 * newline), the tail reads the spliced bytes back, and a full disk drops and counts without ever
 * blocking the writer. Real pipes written by this test, the real pump; no child processes.
 */
class SpliceCaptureIT {
    private static final long SEED = Long.getLong("svd.test.seed", System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final OutputPump pump = new OutputPump();
    private final List<Integer> writeEnds = new ArrayList<>();
    private Path mounted;

    @AfterEach
    void closeAll() throws Exception {
        pump.close();
        for (int fd : writeEnds) {
            SpawnCalls.close(fd);
        }
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    /** The engine's adapter in small (engine.LoggedOutputs): the pump's calls go to a ServiceOutput under its lock. */
    private static final class Adapter implements SplicingListener {
        final ServiceOutput out;
        final AtomicBoolean closed = new AtomicBoolean();

        Adapter(ServiceOutput out) {
            this.out = out;
        }

        @Override
        public synchronized void output(OutputKind stream, ByteBuffer bytes) {
            out.accept(stream, bytes);
        }

        @Override
        public synchronized SpliceFile spliceTarget(OutputKind stream, long max) {
            return out.spliceTarget(stream, max);
        }

        @Override
        public synchronized void spliced(OutputKind stream, long bytes) {
            out.spliced(stream, bytes);
        }

        @Override
        public synchronized void closed() {
            out.endOfStream(OutputKind.STDOUT);
            out.endOfStream(OutputKind.STDERR);
            closed.set(true);
        }
    }

    private int[][] capture(Adapter adapter) {
        int[] out = pipe();
        int[] err = pipe();
        pump.register(out[0], err[0], adapter);
        return new int[][] {out, err};
    }

    private int[] pipe() {
        int[] fds = new int[2];
        assertThat(SpawnCalls.pipe2(fds, SpawnCalls.O_CLOEXEC)).as("pipe2, errno %d", Native.getLastError()).isZero();
        SpawnCalls.fcntl(fds[0], SpawnCalls.F_SETFL, SpawnCalls.O_NONBLOCK);
        writeEnds.add(fds[1]);
        return fds;
    }

    /** Writes all of {@code bytes} with writes of random sizes (blocking while the pipe is full). */
    private static void write(int fd, byte[] bytes, Random random) {
        Memory buffer = new Memory(Math.max(1, bytes.length));
        buffer.write(0, bytes, 0, bytes.length);
        for (int at = 0; at < bytes.length; ) {
            int size = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 300_000 : 5_000));
            long n = PumpCalls.write(fd, buffer.share(at), size);
            assertThat(n).as("write, errno %d", Native.getLastError()).isPositive();
            at += (int) n;
        }
    }

    private void endOfFile(Adapter adapter) {
        for (int fd : writeEnds) {
            SpawnCalls.close(fd);
        }
        writeEnds.clear();
        await().atMost(WAIT).untilTrue(adapter.closed);
    }

    private static LogSpec zeroCopy(long maxSize, int keep) {
        return new LogSpec(maxSize, keep, 20, false, false, false);
    }

    @Test
    void splicedOutputKeepsEveryByteThroughRotationAndTheTailReadsItBack() throws Exception {
        Random random = new Random(SEED);
        long maxSize = (1 << 20) + random.nextInt(3 << 20); // near max-size (the last 256 KiB) bytes are read: at most a quarter here
        byte[] written = lines(random, 24 << 20);
        ServiceOutput out = new ServiceOutput("web", zeroCopy(maxSize, 1000), dir, null);
        Adapter adapter = new Adapter(out);
        int[][] fds = capture(adapter);
        write(fds[0][1], written, random);
        endOfFile(adapter);
        out.close();

        String where = "seed " + SEED + ", max-size " + maxSize;
        assertThat(out.splicedBytes()).as(where + ": bytes that went by splice").isGreaterThan(written.length / 2);
        assertThat(pump.splicedBytes()).as(where).isEqualTo(out.splicedBytes());
        ByteArrayOutputStream files = new ByteArrayOutputStream();
        List<Path> all = files();
        assertThat(all).as(where + ": rotated").hasSizeGreaterThanOrEqualTo((int) (written.length / maxSize));
        for (Path file : all) {
            byte[] content = Files.readAllBytes(file);
            assertThat((long) content.length).as(where + ": size of " + file.getFileName()).isLessThanOrEqualTo(maxSize);
            assertThat(content[content.length - 1]).as(where + ": last byte of " + file.getFileName()).isEqualTo((byte) '\n');
            files.writeBytes(content);
        }
        assertThat(files.size()).as(where + ": bytes in the files").isEqualTo(written.length);
        assertThat(Arrays.equals(files.toByteArray(), written)).as(where + ": the files are what was written").isTrue();
        assertThat(out.bytes(OutputKind.STDOUT)).isEqualTo(written.length);
        assertThat(out.lostBytes()).isZero();
        assertThat(out.tail(OutputKind.STDOUT, 20)).as(where + ": the tail, read back from the file")
                .isEqualTo(lastLines(written, 20));
    }

    @Test
    void withTimestampsOrTheConsoleNothingIsSplicedAndTheBytesComeThroughTheJvm() throws Exception {
        Random random = new Random(SEED);
        byte[] written = lines(random, 1 << 20);
        for (LogSpec spec : List.of(new LogSpec(10 << 20, 5, 20, false, true, false),
                new LogSpec(10 << 20, 5, 20, true, false, false))) {
            Path specDir = Files.createDirectories(dir.resolve(spec.console() ? "console" : "timestamps"));
            ServiceOutput out = new ServiceOutput("web", spec, specDir, (bytes, from, length) -> { });
            Adapter adapter = new Adapter(out);
            int[][] fds = capture(adapter);
            write(fds[0][1], written, random);
            endOfFile(adapter);
            out.close();
            assertThat(out.bytes(OutputKind.STDOUT)).as("%s, seed %d", spec, SEED).isEqualTo(written.length);
            assertThat(out.splicedBytes()).as("%s, seed %d", spec, SEED).isZero();
        }
        assertThat(pump.splicedBytes()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("console/web.log"))).isEqualTo(written);
    }

    @Test
    void followingAStreamTakesItsBytesThroughTheJvmAndBothWaysKeepTheirOrder() throws Exception {
        Random random = new Random(SEED);
        ServiceOutput out = new ServiceOutput("web", zeroCopy(10 << 20, 5), dir, null);
        Adapter adapter = new Adapter(out);
        int[][] fds = capture(adapter);
        byte[] first = lines(random, 2 << 20);
        write(fds[0][1], first, random);
        await().atMost(WAIT).until(() -> out.bytes(OutputKind.STDOUT) == first.length);
        long splicedBefore = out.splicedBytes();
        assertThat(splicedBefore).as("seed %d", SEED).isPositive();

        List<String> followed = new java.util.concurrent.CopyOnWriteArrayList<>();
        byte[] second = "followed one\nfollowed two\n".getBytes(StandardCharsets.US_ASCII);
        try (AutoCloseable following = out.follow(OutputKind.STDOUT, followed::add)) {
            write(fds[0][1], second, random);
            await().atMost(WAIT).until(() -> followed.size() == 2);
        }
        assertThat(followed).containsExactly("followed one", "followed two");
        assertThat(out.splicedBytes()).as("read, not spliced, while followed").isEqualTo(splicedBefore);
        assertThat(out.tail(OutputKind.STDOUT, 3)).containsExactly(lastLines(first, 1).get(0), "followed one", "followed two");
        endOfFile(adapter);
        out.close();
        assertThat(Files.readAllBytes(dir.resolve("web.log"))).isEqualTo(concat(first, second));
    }

    @Test
    void aFullDiskDropsAndCountsSplicedOutputWithoutBlockingAndMarksTheLossOnceThereIsRoomAgain() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m,mode=0750", "tmpfs", logs.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        assumeThat(mount.waitFor()).as("mount -t tmpfs (needs root and CAP_SYS_ADMIN): " + said).isZero();
        mounted = logs;
        Path filler = logs.resolve("filler");
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1 << 20));
        }
        Random random = new Random(SEED);
        ServiceOutput out = new ServiceOutput("web", zeroCopy(100 << 20, 5), logs, null);
        Adapter adapter = new Adapter(out);
        int[][] fds = capture(adapter);
        byte[] before = lines(random, 4 << 20);
        write(fds[0][1], before, random); // returns: capture never blocks the writer, even with the disk full
        await().atMost(WAIT).until(() -> out.bytes(OutputKind.STDOUT) == before.length);
        long lost = out.lostBytes();
        String where = "seed " + SEED;
        assertThat(lost).as(where + ": lost to the full disk").isPositive();
        assertThat(Files.size(logs.resolve("web.log")) + lost).as(where + ": kept + lost").isEqualTo(before.length);
        assertThat(out.splicedBytes()).as(where + ": spliced before the disk was full").isPositive();

        Files.delete(filler);
        byte[] after = lines(random, 512 << 10);
        write(fds[0][1], after, random);
        endOfFile(adapter);
        out.close();

        byte[] file = Files.readAllBytes(logs.resolve("web.log"));
        int kept = (int) (before.length - lost);
        assertThat(Arrays.equals(file, 0, kept, before, 0, kept)).as(where + ": what fit is the start of what was written").isTrue();
        String marker = (before[kept - 1] == '\n' ? "" : "\n") + "[svd: " + lost + " bytes of output lost: No space left on device]\n";
        assertThat(new String(file, kept, marker.length(), StandardCharsets.UTF_8)).as(where).isEqualTo(marker);
        assertThat(Arrays.equals(file, kept + marker.length(), file.length, after, 0, after.length))
                .as(where + ": everything after the marker").isTrue();
    }

    /**
     * The same with records (log.timestamps, through the JVM): a real full file system drops and
     * counts the program's bytes without blocking the writer; the file holds only whole records (the
     * piece of a record the failure cut is cut from the file again) and the markers, which name
     * every byte lost, and every record written once there is room again is there.
     */
    @Test
    void aFullDiskDropsAndCountsRecordsWithoutBlockingAndMarksTheLossOnceThereIsRoomAgain() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m,mode=0750", "tmpfs", logs.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes());
        assumeThat(mount.waitFor()).as("mount -t tmpfs (needs root and CAP_SYS_ADMIN): " + said).isZero();
        mounted = logs;
        Path filler = logs.resolve("filler");
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1 << 20));
        }
        Random random = new Random(SEED);
        ServiceOutput out = new ServiceOutput("web", new LogSpec(100 << 20, 5, 20, false, true, false), logs, null);
        Adapter adapter = new Adapter(out);
        int[][] fds = capture(adapter);
        byte[] before = lines(random, 4 << 20);
        write(fds[0][1], before, random); // returns: capture never blocks the writer, even with the disk full
        await().atMost(WAIT).until(() -> out.bytes(OutputKind.STDOUT) == before.length);
        // bytes are counted as a chunk arrives, its loss as it is written
        await().atMost(WAIT).until(() -> out.lostBytes() > 0);

        Files.delete(filler);
        byte[] after = lines(random, 512 << 10);
        write(fds[0][1], after, random);
        endOfFile(adapter);
        out.close();
        long lost = out.lostBytes();
        String where = "seed " + SEED + ", " + lost + " bytes lost";

        // Records, then a marker naming the stretch lost before it, and so on (the room that svd
        // frees by cutting the piece of a record a failing write cut may let one episode end early
        // and another begin): only whole records and markers, and the stretches add up to the loss.
        String file = new String(Files.readAllBytes(logs.resolve("web.log")), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher marker = java.util.regex.Pattern
                .compile("(?m)^\\[svd: (\\d+) bytes of output lost: No space left on device]\n").matcher(file);
        byte[] written = new byte[before.length + after.length];
        System.arraycopy(before, 0, written, 0, before.length);
        System.arraycopy(after, 0, written, before.length, after.length);
        int at = 0;
        int from = 0;
        long named = 0;
        int markers = 0;
        while (true) {
            boolean more = marker.find();
            byte[] records = decode(file.substring(from, more ? marker.start() : file.length()).lines().toList());
            assertThat(Arrays.equals(records, 0, records.length, written, at, Math.min(written.length, at + records.length)))
                    .as(where + ": the records from byte " + at + " of what was written").isTrue();
            at += records.length;
            if (!more) {
                break;
            }
            markers++;
            named += Long.parseLong(marker.group(1));
            at += (int) Long.parseLong(marker.group(1));
            assertThat(at).as(where + ": bytes were lost only while the disk was full").isLessThanOrEqualTo(before.length);
            from = marker.end();
        }
        assertThat(markers).as(where + ": the loss is marked").isPositive();
        assertThat(named).as(where + ": the markers name every byte lost").isEqualTo(lost);
        assertThat(at).as(where + ": everything after the last stretch is there").isEqualTo(written.length);
    }

    private static final java.util.regex.Pattern RECORD =
            java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z stdout [FP] .*");

    /** The program's bytes in CRI records (docs/logging.md, "Records"); fails on a line that is not one. */
    private static byte[] decode(List<String> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String record : records) {
            assertThat(record).matches(RECORD);
            bytes.writeBytes(record.substring(34).getBytes(StandardCharsets.ISO_8859_1));
            if (record.charAt(32) == 'F') {
                bytes.write('\n');
            }
        }
        return bytes.toByteArray();
    }

    /** Lines of 1 to 400 random letters, about {@code size} bytes. */
    private static byte[] lines(Random random, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; ) {
            int length = Math.min(size - i - 1, random.nextInt(400));
            for (int j = 0; j < length; j++) {
                bytes[i++] = (byte) ('a' + random.nextInt(26));
            }
            bytes[i++] = '\n';
        }
        return bytes;
    }

    private static List<String> lastLines(byte[] bytes, int n) {
        List<String> all = new String(bytes, StandardCharsets.US_ASCII).lines().toList();
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** web.log.N .. web.log.1, web.log: oldest first. */
    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (int i = 1000; i >= 1; i--) {
            if (Files.exists(dir.resolve("web.log." + i))) {
                files.add(dir.resolve("web.log." + i));
            }
        }
        files.add(dir.resolve("web.log"));
        return files;
    }
}
