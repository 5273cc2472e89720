package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {
    @TempDir
    Path dir;

    @Test
    void rotationKeepsEveryByteInOrder() throws IOException {
        byte[] written = randomLines(new Random(1), 5_000_000, 300);
        Path log = dir.resolve("web.log");
        try (RotatingFile file = new RotatingFile("web", log, 64 * 1024, 200, RotatingFile.APPEND)) {
            new Chunks(64 * 1024).feed(written, file::write);
        }

        assertThat(Files.exists(dir.resolve("web.log.200"))).as("keep was large enough").isFalse();
        assertThat(concatenated("web.log")).isEqualTo(written);
    }

    @Test
    void filesAreCutAfterANewlineAndNeverExceedMaxSize() throws IOException {
        byte[] written = randomLines(new Random(3), 300_000, 120);
        Path log = dir.resolve("web.log");
        try (RotatingFile file = new RotatingFile("web", log, 4096, 100, RotatingFile.APPEND)) {
            new Chunks(64 * 1024).feed(written, file::write);
        }

        for (int i = 1; Files.exists(numbered(i)); i++) {
            byte[] content = Files.readAllBytes(numbered(i));
            assertThat(content.length).isLessThanOrEqualTo(4096);
            assertThat(content[content.length - 1]).as("last byte of web.log.%d", i).isEqualTo((byte) '\n');
        }
    }

    @Test
    void aLineLongerThanMaxSizeIsCutAtMaxSize() throws IOException {
        byte[] line = new byte[10_000];
        java.util.Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 4096, 5, RotatingFile.APPEND)) {
            file.write(ByteBuffer.wrap(line));
        }

        assertThat(Files.size(numbered(2))).isEqualTo(4096);
        assertThat(Files.size(numbered(1))).isEqualTo(4096);
        assertThat(Files.size(dir.resolve("web.log"))).isEqualTo(10_000 - 2 * 4096);
        assertThat(concatenated("web.log")).isEqualTo(line);
    }

    @Test
    void keepDropsTheOldestFiles() throws IOException {
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 10, 2, RotatingFile.APPEND)) {
            for (String line : new String[] {"one 12345\n", "two 12345\n", "three 123\n", "four 1234\n"}) {
                file.write(ascii(line));
            }
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo("four 1234\n");
        assertThat(Files.readString(numbered(1))).isEqualTo("three 123\n");
        assertThat(Files.readString(numbered(2))).isEqualTo("two 12345\n");
        assertThat(numbered(3)).doesNotExist();
    }

    @Test
    void droppedFilesAreRenamedAwayAtOnceAndDeletedByTheRemover() throws IOException {
        List<Runnable> removals = new ArrayList<>();
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 10, 1, RotatingFile.APPEND,
                removals::add)) {
            for (String line : new String[] {"one 12345\n", "two 12345\n", "three 123\n"}) {
                file.write(ascii(line));
            }
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo("three 123\n");
        assertThat(Files.readString(numbered(1))).isEqualTo("two 12345\n");
        assertThat(removals).hasSize(1);
        assertThat(dir.resolve(".web.log.1.dropped.1")).hasContent("one 12345");

        removals.forEach(Runnable::run);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("web.log", "web.log.1");
        }
    }

    @Test
    void keepZeroReplacesTheFileWithoutOldFiles() throws IOException {
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 10, 0, RotatingFile.APPEND)) {
            file.write(ascii("one 12345\n"));
            file.write(ascii("two 12345\n"));
        }

        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo("two 12345\n");
        assertThat(numbered(1)).doesNotExist();
    }

    @Test
    void appendsToTheFileOfAnEarlierRunAndCountsItsSize() throws IOException {
        Files.writeString(dir.resolve("web.log"), "old 12345\n");
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 15, 1, RotatingFile.APPEND)) {
            file.write(ascii("new 12345\n"));
        }

        assertThat(Files.readString(numbered(1))).isEqualTo("old 12345\n");
        assertThat(Files.readString(dir.resolve("web.log"))).isEqualTo("new 12345\n");
    }

    @Test
    void createsTheLogDirectory() throws IOException {
        Path log = dir.resolve("a/b/web.log");
        try (RotatingFile file = new RotatingFile("web", log, 1000, 1, RotatingFile.APPEND)) {
            file.write(ascii("hello\n"));
        }

        assertThat(log).hasContent("hello");
    }

    @Test
    void aFullDiskDropsBytesWithoutThrowingAndLeavesAMarkerOnceWritingWorksAgain() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 1_000_000, 1, disk.opener())) {
            file.write(ascii("before\n"));
            disk.room = 3;
            ByteBuffer partly = ascii("half written\n");
            file.write(partly);
            assertThat(partly.hasRemaining()).isFalse();
            file.write(ascii("dropped\n"));
            assertThat(file.lostBytes()).isEqualTo(10 + 8);

            disk.room = -1;
            file.write(ascii("after\n"));
            file.write(ascii("later\n"));
            assertThat(file.lostBytes()).isEqualTo(18);
        }

        assertThat(dir.resolve("web.log")).hasContent(
                "before\nhal\n[svd: 18 bytes of output lost: No space left on device]\nafter\nlater\n");
    }

    @Test
    void aFullDiskDuringTheMarkerKeepsCountingAndTriesAgain() throws IOException {
        FullDiskChannel.Disk disk = new FullDiskChannel.Disk();
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 1_000_000, 1, disk.opener())) {
            disk.room = 0;
            file.write(ascii("a\n"));
            file.write(ascii("b\n"));
            disk.room = -1;
            file.write(ascii("c\n"));
        }

        assertThat(dir.resolve("web.log")).hasContent("[svd: 4 bytes of output lost: No space left on device]\nc\n");
    }

    @Test
    void aChannelClosedUnderUsIsOpenedAgain() throws IOException {
        List<FileChannel> opened = new ArrayList<>();
        RotatingFile.ChannelOpener opener = path -> {
            FileChannel channel = RotatingFile.APPEND.open(path);
            opened.add(channel);
            return channel;
        };
        try (RotatingFile file = new RotatingFile("web", dir.resolve("web.log"), 1_000_000, 1, opener)) {
            file.write(ascii("one\n"));
            opened.get(0).close();
            file.write(ascii("two\n"));
            file.write(ascii("three\n"));
        }

        assertThat(opened).hasSize(2);
        assertThat(dir.resolve("web.log")).hasContent("one\n[svd: 4 bytes of output lost: ClosedChannelException]\nthree");
    }

    static byte[] randomLines(Random random, int total, int maxLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(total + maxLine);
        while (out.size() < total) {
            int length = random.nextInt(maxLine);
            for (int i = 0; i < length; i++) {
                out.write('a' + random.nextInt(26));
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    private byte[] concatenated(String name) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int oldest = 0;
        while (Files.exists(dir.resolve(name + "." + (oldest + 1)))) {
            oldest++;
        }
        for (int i = oldest; i >= 1; i--) {
            all.write(Files.readAllBytes(dir.resolve(name + "." + i)));
        }
        all.write(Files.readAllBytes(dir.resolve(name)));
        return all.toByteArray();
    }

    private Path numbered(int i) {
        return dir.resolve("web.log." + i);
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
