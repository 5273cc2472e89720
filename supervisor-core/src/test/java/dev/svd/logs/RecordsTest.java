package dev.svd.logs;

import static dev.svd.os.OutputKind.STDERR;
import static dev.svd.os.OutputKind.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.LogSpec;
import dev.svd.os.OutputKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log.timestamps: each line in NAME.log is a CRI record, and the records give back every byte (docs/logging.md, "Records"). */
class RecordsTest {
    private static final long SEED = Long.getLong("svd.test.seed", System.nanoTime());
    private static final DateTimeFormatter RFC3339_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final Pattern HEAD =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (stdout|stderr) [FP] ");

    @TempDir
    Path dir;

    private final RecordingSink console = new RecordingSink();
    private final AtomicLong clock = new AtomicLong(Instant.parse("2026-12-07T18:56:04.123Z").toEpochMilli());

    @Test
    void eachLineIsARecordWithTheTimeItWasReadItsStreamAndWhetherItEndsALine() throws IOException {
        try (ServiceOutput output = output(spec(1 << 20, 5))) {
            write(output, STDOUT, "starting\nhalf");
            clock.addAndGet(1001);
            write(output, STDERR, "warning\n");
            write(output, STDOUT, " done\n\n");
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo(
                "2026-12-07T18:56:04.123Z stdout F starting\n"
                + "2026-12-07T18:56:04.123Z stdout P half\n"
                + "2026-12-07T18:56:05.124Z stderr F warning\n"
                + "2026-12-07T18:56:05.124Z stdout F  done\n"
                + "2026-12-07T18:56:05.124Z stdout F \n");
    }

    @Test
    void theTimeIsRfc3339WithMillisecondsInUtcForAnyMoment() {
        Random random = new Random(SEED);
        RecordPrefix prefix = new RecordPrefix();
        long t = 0;
        for (int i = 0; i < 100_000; i++) {
            // Mostly small steps (the cached second), now and then a jump across days, years, leap days.
            t = random.nextInt(4) == 0 ? (long) (random.nextDouble() * 253402300799999L) : t + random.nextInt(3000);
            String expected = RFC3339_MILLIS.format(Instant.ofEpochMilli(t));
            String shown = new String(prefix.at(t, i % 2 == 0 ? STDOUT : STDERR), 0, RecordPrefix.TIME_BYTES,
                    StandardCharsets.US_ASCII);
            assertThat(shown).as("seed %d, %d ms", SEED, t).isEqualTo(expected);
        }
    }

    @Test
    void theTailAndSvctlLogsCarryTheTimeEachLineWasRead() throws IOException {
        try (ServiceOutput output = output(spec(1 << 20, 5))) {
            write(output, STDOUT, "one\ntw");
            clock.addAndGet(5);
            write(output, STDERR, "err\n");
            clock.addAndGet(5);
            write(output, STDOUT, "o\n");

            long t0 = Instant.parse("2026-12-07T18:56:04.123Z").toEpochMilli();
            assertThat(output.entries(null, 10)).containsExactly(
                    new ServiceOutput.Entry(t0, STDOUT, "one"),
                    new ServiceOutput.Entry(t0 + 5, STDERR, "err"),
                    new ServiceOutput.Entry(t0 + 10, STDOUT, "two"));
            assertThat(output.shownTail(null, 2)).containsExactly(
                    "2026-12-07T18:56:04.128Z err", "2026-12-07T18:56:04.133Z two");
            assertThat(output.tail(null, 1)).as("diagnostics keep the bare text").containsExactly("two");
        }
    }

    @Test
    void followersSeeTheTimeTheirLineWasRead() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ServiceOutput output = output(spec(1 << 20, 5));
             AutoCloseable following = output.followShown(STDOUT, seen::add)) {
            write(output, STDOUT, "one\n");
            clock.addAndGet(1);
            write(output, STDOUT, "two\n");
        }
        assertThat(seen).containsExactly("2026-12-07T18:56:04.123Z one", "2026-12-07T18:56:04.124Z two");
    }

    @Test
    void theConsoleShowsTheTimeOnlyWithConsoleTimestamps() throws IOException {
        LogSpec stamped = new LogSpec(1 << 20, 5, 10, true, true, true);
        try (ServiceOutput output = new ServiceOutput("web", stamped, dir, console, Runnable::run,
                RotatingFile.APPEND, clock::get)) {
            write(output, STDOUT, "one\n");
            write(output, STDERR, "two\n");
        }
        assertThat(console.text()).isEqualTo(
                "2026-12-07T18:56:04.123Z web | one\n2026-12-07T18:56:04.123Z web ! two\n");
    }

    /**
     * Random lines (some longer than max-size, some empty, some partial) of both streams in random
     * chunks, with a small max-size: every file is at most max-size, ends with a newline, holds only
     * records; decoded per stream, the records give back exactly the bytes of each stream.
     */
    @Test
    void recordsGiveBackEveryByteOfEachStreamThroughRotation() throws IOException {
        Random random = new Random(SEED);
        for (int round = 0; round < 10; round++) {
            Path roundDir = Files.createDirectory(dir.resolve("r" + round));
            // About 0.5 MB a round (1 MB at worst): at least 6,000 bytes a file keeps it under 300 files,
            // and lines of 20,000 bytes are still longer than max-size.
            long maxSize = 6000 + random.nextInt(8000);
            ByteArrayOutputStream[] written = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            List<Long> times = new ArrayList<>();
            try (ServiceOutput output = new ServiceOutput("web", spec(maxSize, 300), roundDir, null,
                    Runnable::run, RotatingFile.APPEND, clock::get)) {
                Chunks chunks = new Chunks(1 + random.nextInt(70_000));
                for (int chunk = 0; chunk < 100; chunk++) {
                    OutputKind stream = random.nextBoolean() ? STDOUT : STDERR;
                    byte[] bytes = randomBytes(random, random.nextInt(8) == 0 ? 20_000 : 600);
                    written[stream.ordinal()].writeBytes(bytes);
                    clock.addAndGet(random.nextInt(3));
                    times.add(clock.get());
                    chunks.feed(bytes, c -> output.accept(stream, c));
                }
            }
            String where = "seed " + SEED + ", round " + round + ", max-size " + maxSize;
            ByteArrayOutputStream[] decoded = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            List<Path> files = files(roundDir);
            assertThat(files).as(where).isNotEmpty();
            assertThat(roundDir.resolve("web.log.300")).as(where + ": keep was large enough").doesNotExist();
            for (Path file : files) {
                byte[] content = Files.readAllBytes(file);
                assertThat((long) content.length).as(where + ": size of " + file.getFileName()).isLessThanOrEqualTo(maxSize);
                assertThat(content[content.length - 1]).as(where + ": last byte of " + file.getFileName()).isEqualTo((byte) '\n');
                decode(content, decoded, times, where + ", " + file.getFileName());
            }
            assertThat(decoded[0].toByteArray()).as(where + ": stdout").isEqualTo(written[0].toByteArray());
            assertThat(decoded[1].toByteArray()).as(where + ": stderr").isEqualTo(written[1].toByteArray());
        }
    }

    /**
     * Chunks of up to 256 KiB (the pump's reads) full of short lines, now and then a line longer
     * than 16 KiB or than max-size, a partial line at a chunk's end, both streams; in half the
     * rounds every write is cut short at a random size (resumed by svd): every file is at most
     * max-size and holds only records, and they give back exactly the bytes of each stream.
     */
    @Test
    void recordsOfLargeChunksOfShortLinesGiveBackEveryByteThroughRotationAndShortWrites() throws IOException {
        Random random = new Random(SEED);
        for (int round = 0; round < 6; round++) {
            Path roundDir = Files.createDirectory(dir.resolve("s" + round));
            long maxSize = (20 << 10) + random.nextInt(1 << 20);
            FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
            boolean shortWrites = round % 2 == 1;
            if (shortWrites) {
                disk.perCall = 1 + random.nextInt(100_000);
            }
            ByteArrayOutputStream[] written = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            try (ServiceOutput output = new ServiceOutput("web", spec(maxSize, 2000), roundDir, null,
                    Runnable::run, disk.opener(), clock::get)) {
                Chunks chunks = new Chunks(256 << 10);
                for (int chunk = 0; chunk < 6; chunk++) {
                    OutputKind stream = random.nextBoolean() ? STDOUT : STDERR;
                    byte[] bytes = shortLines(random, 1 + random.nextInt(256 << 10));
                    written[stream.ordinal()].writeBytes(bytes);
                    clock.addAndGet(random.nextInt(3));
                    chunks.feed(bytes, c -> output.accept(stream, c));
                }
                assertThat(output.lostBytes()).isZero();
            }
            String where = "seed " + SEED + ", round " + round + ", max-size " + maxSize
                    + (shortWrites ? ", writes of at most " + disk.perCall : "");
            ByteArrayOutputStream[] decoded = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            List<Path> files = files(roundDir, 2000);
            assertThat(roundDir.resolve("web.log.2000")).as(where + ": keep was large enough").doesNotExist();
            for (Path file : files) {
                byte[] content = Files.readAllBytes(file);
                assertThat((long) content.length).as(where + ": size of " + file.getFileName()).isLessThanOrEqualTo(maxSize);
                decode(content, decoded, null, where + ", " + file.getFileName());
            }
            assertThat(decoded[0].toByteArray()).as(where + ": stdout").isEqualTo(written[0].toByteArray());
            assertThat(decoded[1].toByteArray()).as(where + ": stderr").isEqualTo(written[1].toByteArray());
        }
    }

    /**
     * Large chunks of short lines (the pump's 256 KiB reads, their records written in one call), the
     * disk filling in the middle of a chunk's write and freeing again a chunk or two later, files
     * rotating: the files hold the bytes but for the lost stretches, each named by its marker, whose
     * lengths add up to what lostBytes() says, and every file is at most max-size.
     */
    @Test
    void largeChunksKeepEveryByteOrCountItWhenTheDiskFillsAndFreesAgain() throws IOException {
        Random random = new Random(SEED);
        for (int round = 0; round < 6; round++) {
            Path roundDir = Files.createDirectory(dir.resolve("d" + round));
            long maxSize = (200 << 10) + random.nextInt(2 << 20);
            FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            int fill = 1 + random.nextInt(4);
            int free = fill + 1 + random.nextInt(2);
            long lost;
            try (ServiceOutput output = new ServiceOutput("web", spec(maxSize, 2000), roundDir, null,
                    Runnable::run, disk.opener(), clock::get)) {
                Chunks chunks = new Chunks(256 << 10);
                for (int chunk = 0; chunk < 8; chunk++) {
                    if (chunk == fill) {
                        disk.room = random.nextInt(400 << 10);
                    } else if (chunk == free) {
                        disk.room = -1;
                    }
                    byte[] bytes = shortLines(random, (100 << 10) + random.nextInt(156 << 10));
                    written.writeBytes(bytes);
                    clock.addAndGet(1);
                    chunks.feed(bytes, c -> output.accept(STDOUT, c));
                }
                output.endOfStream(STDOUT);
                lost = output.lostBytes();
            }
            String where = "seed " + SEED + ", round " + round + ", max-size " + maxSize + ", disk full at chunk "
                    + fill + ", free at " + free;
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (Path file : files(roundDir, 2000)) {
                byte[] content = Files.readAllBytes(file);
                assertThat((long) content.length).as(where + ": size of " + file.getFileName()).isLessThanOrEqualTo(maxSize);
                all.writeBytes(content);
            }
            assertThat(stretchesLost(all.toByteArray(), written.toByteArray(), lost))
                    .as(where + ": the files hold what was written but for " + lost + " bytes, each stretch named by a marker")
                    .isTrue();
        }
    }

    /**
     * Whether {@code files} (the concatenated files of one stream's records) give back {@code written}
     * but for stretches of {@code lost} bytes in all, each named by the marker that follows the records
     * before it, and hold only whole records and whole markers (svd cuts the piece of a record, or of a
     * marker, that a failing write cut; the room that frees may end an episode early and start another).
     */
    private static boolean stretchesLost(byte[] files, byte[] written, long lost) {
        String text = new String(files, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher marker = java.util.regex.Pattern
                .compile("(?m)^\\[svd: (\\d+) bytes of output lost: No space left on device]\n").matcher(text);
        int at = 0;
        int from = 0;
        long named = 0;
        while (true) {
            boolean more = marker.find();
            byte[] records = decodeAll(text.substring(from, more ? marker.start() : text.length())); // fails on a piece
            if (!Arrays.equals(records, 0, records.length, written, at, Math.min(written.length, at + records.length))) {
                return false;
            }
            at += records.length;
            if (!more) {
                return at == written.length && named == lost;
            }
            long stretch = Long.parseLong(marker.group(1));
            named += stretch;
            at += (int) stretch;
            from = marker.end();
        }
    }

    private static byte[] decodeAll(String records) {
        ByteArrayOutputStream[] streams = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        decode(records.getBytes(StandardCharsets.ISO_8859_1), streams, null, "");
        return streams[0].toByteArray();
    }

    /** About {@code size} bytes of lines: most of 0 to 30 bytes, some of hundreds, a few longer than 16 KiB; maybe no newline at the end. */
    private static byte[] shortLines(Random random, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 70_000);
        while (out.size() < size) {
            int kind = random.nextInt(1000);
            int length = kind < 990 ? random.nextInt(31) : kind < 998 ? 100 + random.nextInt(500) : 17_000 + random.nextInt(50_000);
            for (int i = 0; i < length; i++) {
                out.write('a' + random.nextInt(26));
            }
            out.write('\n');
        }
        byte[] bytes = out.toByteArray();
        return random.nextInt(3) == 0 ? Arrays.copyOf(bytes, bytes.length - 1 - random.nextInt(Math.min(bytes.length, 20))) : bytes;
    }

    @Test
    void aFullDiskDropsAndCountsTheProgramsBytesAndTheMarkerIsALineOfItsOwn() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (ServiceOutput output = new ServiceOutput("web", spec(1 << 20, 1), dir, null, Runnable::run,
                disk.opener(), clock::get)) {
            write(output, STDOUT, "one\n");
            disk.room = 0;
            write(output, STDOUT, "two\n");
            write(output, STDERR, "three");
            assertThat(output.lostBytes()).isEqualTo(9);
            disk.room = -1;
            write(output, STDOUT, "four\n");
            assertThat(output.lostBytes()).isEqualTo(9);
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo(
                "2026-12-07T18:56:04.123Z stdout F one\n"
                + "[svd: 9 bytes of output lost: No space left on device]\n"
                + "2026-12-07T18:56:04.123Z stdout F four\n");
    }

    /** The piece of a record that a failing write cut would read as a record of its own ("F ab"): svd cuts it from the file. */
    @Test
    void aDiskThatFillsInTheMiddleOfARecordLeavesNoPieceOfIt() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (ServiceOutput output = new ServiceOutput("web", spec(1 << 20, 1), dir, null, Runnable::run,
                disk.opener(), clock::get)) {
            disk.room = RecordPrefix.BYTES + 2;
            write(output, STDOUT, "abcdef\n");
            disk.room = -1;
            write(output, STDOUT, "g\n");
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo(
                "[svd: 7 bytes of output lost: No space left on device]\n"
                + "2026-12-07T18:56:04.123Z stdout F g\n");
    }

    /** Room for only a piece of the loss marker: the piece is cut again, and the whole marker comes once there is room. */
    @Test
    void aMarkerThatDoesNotFitLeavesNoPieceOfIt() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (ServiceOutput output = new ServiceOutput("web", spec(1 << 20, 1), dir, null, Runnable::run,
                disk.opener(), clock::get)) {
            write(output, STDOUT, "one\n");
            disk.room = 0;
            write(output, STDOUT, "two\n");
            disk.room = 10;
            write(output, STDOUT, "three\n");
            assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo("2026-12-07T18:56:04.123Z stdout F one\n");
            disk.room = -1;
            write(output, STDOUT, "four\n");
            assertThat(output.lostBytes()).isEqualTo(4 + 6);
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo(
                "2026-12-07T18:56:04.123Z stdout F one\n"
                + "[svd: 10 bytes of output lost: No space left on device]\n"
                + "2026-12-07T18:56:04.123Z stdout F four\n");
    }

    /** Records a failing write wrote whole are kept and not counted as lost; the one it cut and the rest are. */
    @Test
    void aDiskThatFillsAfterSomeRecordsOfAChunkCountsOnlyTheBytesNotWrittenWhole() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (ServiceOutput output = new ServiceOutput("web", spec(1 << 20, 1), dir, null, Runnable::run,
                disk.opener(), clock::get)) {
            // "F one\n", "P two\n", then of the next chunk "F \n" whole and "F thr" of "F three\n".
            disk.room = (RecordPrefix.BYTES + 4) + (RecordPrefix.BYTES + 4) + (RecordPrefix.BYTES + 1) + RecordPrefix.BYTES + 3;
            write(output, STDOUT, "one\ntwo");
            assertThat(output.lostBytes()).isZero();
            write(output, STDOUT, "\nthree\nfour\n");
            assertThat(output.lostBytes()).as("\\nthree\\n cut, four\\n not written").isEqualTo(6 + 5);
            disk.room = -1;
            write(output, STDOUT, "five\n");
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo(
                "2026-12-07T18:56:04.123Z stdout F one\n"
                + "2026-12-07T18:56:04.123Z stdout P two\n"
                + "2026-12-07T18:56:04.123Z stdout F \n"
                + "[svd: 11 bytes of output lost: No space left on device]\n"
                + "2026-12-07T18:56:04.123Z stdout F five\n");
    }

    private ServiceOutput output(LogSpec spec) throws IOException {
        return new ServiceOutput("web", spec, dir, null, Runnable::run, RotatingFile.APPEND, clock::get);
    }

    private static LogSpec spec(long maxSize, int keep) {
        return new LogSpec(maxSize, keep, 10, false, true, false);
    }

    private void write(ServiceOutput output, OutputKind stream, String text) {
        new Chunks(64 * 1024).feed(text.getBytes(StandardCharsets.UTF_8), chunk -> output.accept(stream, chunk));
    }

    /** Lines of random length (0 to about {@code typical}, now and then none at the end: a partial line), any bytes but newline. */
    private static byte[] randomBytes(Random random, int typical) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int lines = random.nextInt(5); lines >= 0; lines--) {
            int length = random.nextInt(typical + 1);
            for (int i = 0; i < length; i++) {
                int b = random.nextInt(256);
                out.write(b == '\n' ? 'x' : b);
            }
            if (random.nextInt(6) != 0) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    /** web.log.N .. web.log.1, web.log: oldest first. */
    private static List<Path> files(Path dir) {
        return files(dir, 300);
    }

    private static List<Path> files(Path dir, int keep) {
        List<Path> files = new ArrayList<>();
        for (int i = keep; i >= 1; i--) {
            Path numbered = dir.resolve("web.log." + i);
            if (Files.exists(numbered)) {
                files.add(numbered);
            }
        }
        if (Files.exists(dir.resolve("web.log"))) {
            files.add(dir.resolve("web.log"));
        }
        return files;
    }

    /** Appends each record's bytes to its stream (a P record without its newline), checking its head. */
    static void decode(byte[] content, ByteArrayOutputStream[] streams, List<Long> times, String where) {
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (content[end] != '\n') {
                end++;
            }
            String head = new String(content, start, Math.min(RecordPrefix.BYTES, end - start), StandardCharsets.ISO_8859_1);
            if (!HEAD.matcher(head).matches()) {
                throw new AssertionError(where + ": not a record at " + start + ": " + head);
            }
            if (times != null) {
                long t = Instant.parse(head.substring(0, RecordPrefix.TIME_BYTES)).toEpochMilli();
                if (!times.contains(t)) {
                    throw new AssertionError(where + ": no chunk was read at the time of the record at " + start + ": " + head);
                }
            }
            ByteArrayOutputStream stream = streams[head.startsWith("stdout", RecordPrefix.TIME_BYTES + 1) ? 0 : 1];
            stream.write(content, start + RecordPrefix.BYTES, end - start - RecordPrefix.BYTES);
            if (head.charAt(RecordPrefix.KIND_AT) == 'F') {
                stream.write('\n');
            }
            start = end + 1;
        }
    }
}
