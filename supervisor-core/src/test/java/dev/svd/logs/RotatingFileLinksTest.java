package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 in RotatingFile: no write through a planted link, 0640 files, a removed directory made again. */
class RotatingFileLinksTest {
    @TempDir
    Path dir;

    private static ByteBuffer line(String s) {
        return ByteBuffer.wrap((s + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLinkAtTheLogFileIsNotWrittenThroughAndTheBytesCountAsLost() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "untouched\n");
        Path log = dir.resolve("log/web.log");
        Files.createDirectories(log.getParent());
        Files.createSymbolicLink(log, target);
        try (RotatingFile file = new RotatingFile("web", log, 1024, 2, RotatingFile.APPEND)) {
            file.write(line("secret"));
            assertThat(file.lostBytes()).isEqualTo(7);
        }
        assertThat(Files.readString(target)).isEqualTo("untouched\n");
    }

    @Test
    void aNewLogFileIs0640AndAMissingLogDir0750() throws IOException {
        Path log = dir.resolve("log/web.log");
        try (RotatingFile file = new RotatingFile("web", log, 1024, 2, RotatingFile.APPEND)) {
            file.write(line("hello"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent()))).isEqualTo("rwxr-x---");
    }

    @Test
    void aRemovedLogDirIsMadeAgainAndTheNextLinesGoIntoTheNewFile() throws IOException {
        Path log = dir.resolve("log/web.log");
        try (RotatingFile file = new RotatingFile("web", log, 1024, 2, RotatingFile.APPEND, Runnable::run, 0)) {
            file.write(line("one"));
            Files.delete(log);
            Files.delete(log.getParent());
            file.write(line("two"));
            file.write(line("three"));
            assertThat(file.lostBytes()).isZero();
        }
        assertThat(Files.readString(log)).isEqualTo("two\nthree\n");
    }

    @Test
    void rotationMovesALinkPlantedAsAnOldFileAndNeverWritesThroughIt() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "untouched\n");
        Path log = dir.resolve("web.log");
        Files.createSymbolicLink(dir.resolve("web.log.1"), target);
        try (RotatingFile file = new RotatingFile("web", log, 8, 2, RotatingFile.APPEND)) {
            for (int i = 0; i < 4; i++) {
                file.write(line("line" + i));
            }
        }
        assertThat(Files.readString(target)).isEqualTo("untouched\n");
        assertThat(Files.isSymbolicLink(dir.resolve("web.log.2"))).as("the link, moved on once").isFalse();
        assertThat(Files.isRegularFile(dir.resolve("web.log.1"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
