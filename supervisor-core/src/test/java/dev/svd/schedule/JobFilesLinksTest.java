package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12 for jobs: their last runs and output files are never written through a planted link. */
class JobFilesLinksTest {
    @TempDir
    Path dir;

    @Test
    void aLinkPlantedAsTheLastRunsTemporaryFileIsRemovedNotWrittenThrough() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "untouched\n");
        Path jobs = Files.createDirectories(dir.resolve("state/jobs"));
        Files.createSymbolicLink(jobs.resolve(".renew.json.tmp"), target);
        LastRunStore store = new LastRunStore(dir.resolve("state"));
        store.write("renew", new LastRun(Instant.EPOCH, Instant.EPOCH.plusSeconds(1), true, "done"));
        assertThat(Files.readString(target)).isEqualTo("untouched\n");
        assertThat(store.read("renew")).map(LastRun::result).contains("done");
    }

    @Test
    void aLinkPlantedAsTheJobsLogIsNotWrittenThroughAndANewOneIs0640() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "untouched\n");
        Path log = Files.createDirectories(dir.resolve("log"));
        Files.createSymbolicLink(log.resolve("job-planted.log"), target);
        RunOutput planted = new RunOutput("planted", log.resolve("job-planted.log"), 10);
        planted.open("header");
        planted.output(dev.svd.os.OutputKind.STDOUT, ByteBuffer.wrap("secret\n".getBytes(StandardCharsets.UTF_8)));
        planted.close("footer");
        assertThat(Files.readString(target)).isEqualTo("untouched\n");
        assertThat(planted.tail()).containsExactly("secret");

        RunOutput fresh = new RunOutput("fresh", log.resolve("job-fresh.log"), 10);
        fresh.open("header");
        fresh.close("footer");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.resolve("job-fresh.log"))))
                .isEqualTo("rw-r-----");
    }
}
