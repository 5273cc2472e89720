package dev.svd.logs;

import dev.svd.os.OutputKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds log files in the CRI record format that docs/logging.md defines (the write path is
 * capture's; these tests read what it is specified to write): random program lines on two streams,
 * cut into P and F records, interleaved, with now and then a line that is not a record, spread
 * over rotated files.
 */
final class CriFiles {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** A line as the reader must give it back. */
    record Expected(long millis, OutputKind stream, String text) {}

    final List<Expected> expected = new ArrayList<>();
    final List<byte[]> fileLines = new ArrayList<>();
    private final Random random;
    private long now;

    CriFiles(Random random, long start) {
        this.random = random;
        this.now = start;
    }

    static String record(long millis, OutputKind stream, boolean partial, String text) {
        return TIME.format(Instant.ofEpochMilli(millis)) + " " + stream.name().toLowerCase() + " "
                + (partial ? "P" : "F") + " " + text;
    }

    /** Adds {@code count} program lines, pieces of both streams interleaved. */
    CriFiles lines(int count) {
        List<String> pendingOut = new ArrayList<>();
        List<String> pendingErr = new ArrayList<>();
        OutputKind lastStream = null;
        long lastTime = LogLine.UNKNOWN;
        for (int i = 0; i < count; i++) {
            now += random.nextInt(3); // equal times happen
            if (random.nextInt(40) == 0 && lastStream != null) {
                String marker = "[svd: " + random.nextInt(1000) + " bytes of output lost: No space left on device]";
                fileLines.add(marker.getBytes(StandardCharsets.UTF_8));
                expected.add(new Expected(lastTime, lastStream, marker));
                continue;
            }
            OutputKind stream = random.nextBoolean() ? OutputKind.STDOUT : OutputKind.STDERR;
            List<String> pending = stream == OutputKind.STDOUT ? pendingOut : pendingErr;
            String piece = word(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(30));
            boolean partial = random.nextInt(4) == 0;
            fileLines.add(record(now, stream, partial, piece).getBytes(StandardCharsets.UTF_8));
            pending.add(piece);
            lastStream = stream;
            lastTime = now;
            if (!partial) {
                expected.add(new Expected(now, stream, String.join("", pending)));
                pending.clear();
            }
        }
        return this;
    }

    private String word(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    /** Writes the lines to {@code dir/base}, the older ones to {@code base.1 .. base.files-1} (cut at random lines). */
    void write(Path dir, String base, int files) throws IOException {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < files; i++) {
            cuts.add(random.nextInt(fileLines.size() + 1));
        }
        cuts.sort(null);
        cuts.add(fileLines.size());
        int from = 0;
        for (int f = 0; f < files; f++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = from; i < cuts.get(f); i++) {
                out.write(fileLines.get(i));
                out.write('\n');
            }
            from = cuts.get(f);
            int number = files - 1 - f;
            Files.write(dir.resolve(number == 0 ? base : base + "." + number), out.toByteArray());
        }
    }
}
