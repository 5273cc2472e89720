package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.os.OutputKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOutputTest {
    @TempDir
    Path dir;

    @Test
    void aJobsOutputIsRecordsBetweenItsHeaderAndFooterAndAnUnfinishedLineIsAPartialRecord() throws Exception {
        AtomicLong clock = new AtomicLong(Instant.parse("2026-12-07T03:12:40.250Z").toEpochMilli());
        RunOutput out = new RunOutput("renew", dir.resolve("job-renew.log"), 10, null, clock::get);
        out.open("=== header");
        out.output(OutputKind.STDOUT, ascii("renewing\nhalf"));
        clock.addAndGet(1);
        out.output(OutputKind.STDERR, ascii("warning\n"));
        out.close("=== footer");

        assertThat(Files.readString(dir.resolve("job-renew.log"))).isEqualTo("""
                === header
                2026-12-07T03:12:40.250Z stdout F renewing
                2026-12-07T03:12:40.250Z stdout P half
                2026-12-07T03:12:40.251Z stderr F warning
                === footer
                """);
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
