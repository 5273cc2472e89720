package dev.svd.logs;

import static dev.svd.os.OutputKind.STDERR;
import static dev.svd.os.OutputKind.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.LogSpec;
import dev.svd.os.OutputKind;
import dev.svd.os.SpliceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail of spliced output (docs/logging.md, "Zero copy"): pieces the pump spliced into the file
 * are read back when the tail is asked for, each with its stream, arrival and time. Here the pump's
 * splice is played by appending to the file and calling {@link ServiceOutput#spliced}.
 */
class SplicedTailTest {
    private static final LogSpec ZERO_COPY = new LogSpec(1 << 30, 5, 5, false, false, false);

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private ServiceOutput output() throws IOException {
        return new ServiceOutput("web", ZERO_COPY, dir, null, Runnable::run, RotatingFile.APPEND, clock::get,
                SpliceFile::open);
    }

    private void splice(ServiceOutput out, OutputKind stream, String text) throws IOException {
        assertThat(out.spliceTarget(stream, text.length())).as("a file to splice into").isNotNull();
        Files.writeString(dir.resolve("web.log"), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        out.spliced(stream, text.length());
        clock.incrementAndGet();
    }

    @Test
    void theTailReadsSplicedPiecesBackWithTheirStreamAndTimeInArrivalOrder() throws IOException {
        try (ServiceOutput out = output()) {
            splice(out, STDOUT, "one\ntw");
            splice(out, STDERR, "err\n");
            splice(out, STDOUT, "o\n");

            assertThat(out.entries(null, 5)).containsExactly(
                    new ServiceOutput.Entry(1_000_000, STDOUT, "one"),
                    new ServiceOutput.Entry(1_000_001, STDERR, "err"),
                    new ServiceOutput.Entry(1_000_002, STDOUT, "two"));
            assertThat(out.splicedBytes()).isEqualTo(12);
            assertThat(out.bytes(STDOUT)).isEqualTo(8);
        }
    }

    @Test
    void moreWaitingPiecesThanTheRingHoldsKeepTheLastLinesAndDropTheCutOne() throws IOException {
        List<String> expected = new ArrayList<>();
        try (ServiceOutput out = output()) {
            for (int i = 1; i <= 3000; i++) {
                splice(out, i % 3 == 0 ? STDERR : STDOUT, "line-" + i + "\n");
                expected.add("line-" + i);
            }
            splice(out, STDOUT, "last\n");

            assertThat(out.tail(null, 5)).containsExactly("line-2997", "line-2998", "line-2999", "line-3000", "last");
            assertThat(out.tail(STDERR, 2)).containsExactly("line-2997", "line-3000");
        }
    }
}
