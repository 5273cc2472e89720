package dev.svd.logs;

import dev.svd.os.OutputKind;
import static dev.svd.os.OutputKind.STDERR;
import static dev.svd.os.OutputKind.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.LogSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceOutputTest {
    private static final LogSpec SPEC = new LogSpec(10L * 1024 * 1024, 5, 200, true, false, false);

    @TempDir
    Path dir;

    private final RecordingSink console = new RecordingSink();
    private final Chunks chunks = new Chunks(64 * 1024);

    @Test
    void bothStreamsGoToTheFileUnchangedInArrivalOrderAndToTheConsolePrefixed() throws IOException {
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            write(output, STDOUT, "starting\n");
            write(output, STDERR, "warning: x\n");
            write(output, STDOUT, "ready\n");
        }

        assertThat(dir.resolve("web.log")).hasContent("starting\nwarning: x\nready");
        assertThat(console.text()).isEqualTo("web | starting\nweb ! warning: x\nweb | ready\n");
    }

    @Test
    void theTailOfBothStreamsHasTheirLinesInTheOrderTheyArrived() throws IOException {
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            assertThat(output.tail(null, 10)).isEmpty();
            assertThat(output.bytes(null)).isZero();
            write(output, STDOUT, "one\n");
            write(output, STDERR, "two\n");
            write(output, STDOUT, "thr");
            write(output, STDERR, "four\n");
            write(output, STDOUT, "ee\nfive\n");
            write(output, STDERR, "six\n");

            assertThat(output.tail(null, 10)).containsExactly("one", "two", "four", "three", "five", "six");
            assertThat(output.tail(null, 3)).containsExactly("three", "five", "six");
            assertThat(output.tail(STDOUT, 10)).containsExactly("one", "three", "five");
            assertThat(output.tail(STDERR, 10)).containsExactly("two", "four", "six");
            assertThat(output.bytes(STDOUT)).isEqualTo(15);
            assertThat(output.bytes(STDERR)).isEqualTo(13);
            assertThat(output.bytes(null)).isEqualTo(28);
        }
    }

    @Test
    void reopenAfterAnOutsideRotationWritesToAFreshFile() throws IOException {
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            write(output, STDOUT, "before\n");
            java.nio.file.Files.move(dir.resolve("web.log"), dir.resolve("web.log.rotated-by-logrotate"));
            output.reopen();
            write(output, STDOUT, "after\n");
        }
        assertThat(dir.resolve("web.log.rotated-by-logrotate")).hasContent("before");
        assertThat(dir.resolve("web.log")).hasContent("after");
    }

    @Test
    void aPartialLineWaitsForItsNewlineAndIsNotMixedWithTheOtherStream() throws IOException {
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            write(output, STDOUT, "hel");
            write(output, STDERR, "oops\n");
            assertThat(console.text()).isEqualTo("web ! oops\n");

            write(output, STDOUT, "lo\nnext");
            assertThat(console.text()).isEqualTo("web ! oops\nweb | hello\n");
        }

        assertThat(console.text()).as("close ends the partial line").isEqualTo("web ! oops\nweb | hello\nweb | next\n");
        assertThat(dir.resolve("web.log")).hasContent("heloops\nlo\nnext");
    }

    @Test
    void endOfStreamEndsThePartialLineOfThatStreamOnly() throws IOException {
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            write(output, STDOUT, "no newline");
            write(output, STDERR, "half");
            output.endOfStream(STDOUT);

            assertThat(console.text()).isEqualTo("web | no newline\n");
            assertThat(output.tail(STDOUT, 5)).containsExactly("no newline");
            assertThat(output.tail(STDERR, 5)).isEmpty();
        }
    }

    @Test
    void aVeryLongLineReachesTheConsoleInPrefixedPiecesWithNothingLost() throws IOException {
        String line = randomLetters(new Random(5), 40_000);
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            write(output, STDOUT, line.substring(0, 30_000));
            write(output, STDOUT, line.substring(30_000) + "\nshort\n");
        }

        String[] printed = console.text().split("\n");
        assertThat(printed).hasSize(4).allMatch(piece -> piece.startsWith("web | "));
        assertThat(Arrays.stream(printed).limit(3).mapToInt(piece -> piece.length() - 6))
                .containsExactly(LineSplitter.MAX_LINE, LineSplitter.MAX_LINE, 40_000 - 2 * LineSplitter.MAX_LINE);
        assertThat(String.join("", Arrays.stream(printed).limit(3).map(piece -> piece.substring(6)).toList()))
                .isEqualTo(line);
        assertThat(printed[3]).isEqualTo("web | short");
        assertThat(dir.resolve("web.log")).hasContent(line + "\nshort");
    }

    @Test
    void invalidUtf8PassesThroughToFileAndConsoleUnchanged() throws IOException {
        byte[] bytes = {'a', (byte) 0xFF, (byte) 0xC3, '\n', (byte) 0x80, 'b', '\n'};
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            chunks.feed(bytes, chunk -> output.accept(STDERR, chunk));
        }

        assertThat(Files.readAllBytes(dir.resolve("web.log"))).isEqualTo(bytes);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("web ! ".getBytes(StandardCharsets.UTF_8));
        expected.write(bytes, 0, 4);
        expected.writeBytes("web ! ".getBytes(StandardCharsets.UTF_8));
        expected.write(bytes, 4, 3);
        assertThat(console.bytes()).isEqualTo(expected.toByteArray());
    }

    @Test
    void manyLinesInRandomChunksReachTheConsoleWholeInFewWrites() throws IOException {
        byte[] written = RotatingFileTest.randomLines(new Random(7), 2_000_000, 200);
        Random random = new Random(8);
        int calls = 0;
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            int offset = 0;
            while (offset < written.length) {
                int length = Math.min(written.length - offset, 1 + random.nextInt(64 * 1024));
                chunks.feed(Arrays.copyOfRange(written, offset, offset + length), chunk -> output.accept(STDOUT, chunk));
                offset += length;
                calls++;
            }
        }

        String printed = console.text();
        assertThat(printed.replace("web | ", "")).isEqualTo(new String(written, StandardCharsets.US_ASCII));
        assertThat(printed.split("\n")).allMatch(line -> line.startsWith("web | "));
        assertThat(console.writes()).as("one per accept, plus one per %d bytes", ConsoleFormatter.FLUSH_AT)
                .isLessThanOrEqualTo(calls + printed.length() / ConsoleFormatter.FLUSH_AT + 1);
    }

    @Test
    void withConsoleOffNothingReachesTheConsoleButFileAndTailWork() throws IOException {
        LogSpec quiet = new LogSpec(1024, 1, 10, false, false, false);
        try (ServiceOutput output = new ServiceOutput("web", quiet, dir, console)) {
            write(output, STDOUT, "one\ntwo\n");

            assertThat(output.tail(STDOUT, 10)).containsExactly("one", "two");
        }

        assertThat(console.writes()).isZero();
        assertThat(dir.resolve("web.log")).hasContent("one\ntwo");
    }

    @Test
    void tailKeepsTheLastLinesOfEachStream() throws IOException {
        LogSpec spec = new LogSpec(1024 * 1024, 1, 3, false, false, false);
        try (ServiceOutput output = new ServiceOutput("web", spec, dir, console)) {
            write(output, STDOUT, "o1\no2\no3\no4\n");
            write(output, STDERR, "e1\n");
            write(output, STDOUT, "o5\n");

            assertThat(output.tail(STDOUT, 10)).containsExactly("o3", "o4", "o5");
            assertThat(output.tail(STDOUT, 1)).containsExactly("o5");
            assertThat(output.tail(STDERR, 10)).containsExactly("e1");
        }
    }

    /** The console and followers cut lines from a heap copy of the chunk: from its position, not from the buffer's start. */
    @Test
    void aChunkThatStartsInsideItsBufferReachesConsoleFollowersFileAndTailFromItsPosition() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console);
             AutoCloseable following = output.follow(STDOUT, seen::add)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(64);
            chunk.put("stale\nlines\none\ntwo\nthr".getBytes(StandardCharsets.US_ASCII)).flip().position(12);
            output.accept(STDOUT, chunk);
            assertThat(chunk.hasRemaining()).isFalse();
            write(output, STDOUT, "ee\n");
            assertThat(output.tail(STDOUT, 10)).containsExactly("one", "two", "three");
        }

        assertThat(seen).containsExactly("one", "two", "three");
        assertThat(console.text()).isEqualTo("web | one\nweb | two\nweb | three\n");
        assertThat(dir.resolve("web.log")).hasContent("one\ntwo\nthree");
    }

    @Test
    void followSeesNewCompleteLinesOfItsStreamUntilClosed() throws Exception {
        List<String> seen = new ArrayList<>();
        LogSpec quiet = new LogSpec(1024 * 1024, 1, 10, false, false, false);
        try (ServiceOutput output = new ServiceOutput("web", quiet, dir, console)) {
            write(output, STDOUT, "before\n");
            AutoCloseable following = output.follow(STDOUT, seen::add);
            write(output, STDOUT, "a\nb");
            write(output, STDERR, "not stdout\n");
            write(output, STDOUT, "c\n");
            following.close();
            write(output, STDOUT, "after\n");
        }

        assertThat(seen).containsExactly("a", "bc");
    }

    @Test
    void aFollowerThatThrowsIsDroppedAndTheOthersKeepGettingLines() throws IOException {
        List<String> seen = new ArrayList<>();
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console)) {
            output.follow(STDOUT, line -> {
                throw new IllegalStateException("client went away");
            });
            output.follow(STDOUT, seen::add);
            write(output, STDOUT, "one\ntwo\n");
        }

        assertThat(seen).containsExactly("one", "two");
        assertThat(console.text()).isEqualTo("web | one\nweb | two\n");
    }

    @Test
    void aFullDiskLosesFileBytesOnlyAndMarksHowMany() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (ServiceOutput output = new ServiceOutput("web", SPEC, dir, console, Runnable::run, disk.opener())) {
            write(output, STDOUT, "one\n");
            disk.room = 0;
            write(output, STDOUT, "two\n");
            write(output, STDERR, "three\n");
            assertThat(output.lostBytes()).isEqualTo(10);
            disk.room = -1;
            write(output, STDOUT, "four\n");
        }

        assertThat(dir.resolve("web.log")).hasContent(
                "one\n[svd: 10 bytes of output lost: No space left on device]\nfour");
        assertThat(console.text()).isEqualTo("web | one\nweb | two\nweb ! three\nweb | four\n");
    }

    private void write(ServiceOutput output, OutputKind stream, String text) {
        chunks.feed(text.getBytes(StandardCharsets.UTF_8), chunk -> output.accept(stream, chunk));
    }

    private static String randomLetters(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
