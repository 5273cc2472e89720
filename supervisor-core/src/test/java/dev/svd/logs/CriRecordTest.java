package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.os.OutputKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CriRecordTest {
    private static CriRecord parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return CriRecord.parse(b, 0, b.length);
    }

    private static String text(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        CriRecord r = CriRecord.parse(b, 0, b.length);
        return new String(b, r.textFrom(), b.length - r.textFrom(), StandardCharsets.UTF_8);
    }

    @Test
    void readsTheRecordTheDocsShow() {
        CriRecord r = parse("2026-12-07T18:56:04.123Z stdout F the line's bytes");
        assertThat(r.millis()).isEqualTo(Instant.parse("2026-12-07T18:56:04.123Z").toEpochMilli());
        assertThat(r.stream()).isEqualTo(OutputKind.STDOUT);
        assertThat(r.partial()).isFalse();
        assertThat(text("2026-12-07T18:56:04.123Z stdout F the line's bytes")).isEqualTo("the line's bytes");
        assertThat(parse("2026-12-07T18:56:04.123Z stderr P x").partial()).isTrue();
        assertThat(parse("2026-12-07T18:56:04.123Z stderr P x").stream()).isEqualTo(OutputKind.STDERR);
    }

    @Test
    void anEmptyLineIsARecordWithOrWithoutItsSpace() {
        assertThat(text("2026-12-07T18:56:04.123Z stdout F ")).isEmpty();
        assertThat(text("2026-12-07T18:56:04.123Z stdout F")).isEmpty();
    }

    @Test
    void otherCriWritersFractionsAndOffsetsAreRead() {
        assertThat(parse("2026-12-07T18:56:04.123456789Z stdout F x").millis())
                .isEqualTo(Instant.parse("2026-12-07T18:56:04.123Z").toEpochMilli());
        assertThat(parse("2026-12-07T18:56:04Z stdout F x").millis())
                .isEqualTo(Instant.parse("2026-12-07T18:56:04Z").toEpochMilli());
        assertThat(parse("2026-12-07T19:56:04.5+01:00 stdout F x").millis())
                .isEqualTo(Instant.parse("2026-12-07T18:56:04.500Z").toEpochMilli());
    }

    @Test
    void linesThatAreNotRecordsAreRefused() {
        for (String s : new String[] {
                "[svd: 18234 bytes of output lost: No space left on device]",
                "=== 2026-12-07 18:56:04 renew started (schedule)",
                "2026-12-07T18:56:04.123Z stdin F x",
                "2026-12-07T18:56:04.123Z stdout X x",
                "2026-12-07T18:56:04.123Z stdout Fx",
                "2026-12-07T18:56:04.123 stdout F x",
                "2026-13-07T18:56:04.123Z stdout F x",
                "2026-12-07T24:56:04.123Z stdout F x",
                "2026-12-07 18:56:04.123Z stdout F x",
                "2026-12-07T18:56:04.Z stdout F x",
                "",
                "2026-12-07T18:56:04.123Z",
        }) {
            assertThat(parse(s)).as(s).isNull();
        }
    }

    @Test
    void randomTimesComeBackAsTheyWereWritten() {
        long seed = Long.getLong("logs.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 10_000; i++) {
            long millis = (long) (random.nextDouble() * 4_102_444_800_000L); // 1970..2100
            String line = CriFiles.record(millis, OutputKind.STDERR, random.nextBoolean(), "x");
            assertThat(parse(line).millis()).as("seed %d: %s", seed, line).isEqualTo(millis);
        }
    }

    @Test
    void randomBytesNeverThrow() {
        long seed = Long.getLong("logs.seed", System.nanoTime());
        Random random = new Random(seed);
        byte[] base = "2026-12-07T18:56:04.123+01:00 stdout F x".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = base.clone();
            int n = 1 + random.nextInt(4);
            for (int k = 0; k < n; k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            int to = random.nextInt(b.length + 1);
            CriRecord r = CriRecord.parse(b, 0, to); // must not throw
            if (r != null) {
                assertThat(r.textFrom()).as("seed %d", seed).isBetween(0, to);
            }
        }
        assertThat(OffsetDateTime.parse("2026-12-07T18:56:04.123+01:00")).isNotNull();
    }
}
