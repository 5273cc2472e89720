package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private static final int MAX = 5;

    @Test
    void randomChunksGiveTheLinesOfTheWholeTextInPiecesOfAtMostMaxLine() {
        Random random = new Random(13);
        for (int round = 0; round < 500; round++) {
            LineSplitter splitter = new LineSplitter(MAX);
            List<String> seen = new ArrayList<>();
            LineSink sink = (head, headLength, chunk, from, to) -> {
                byte[] line = new byte[headLength + to - from];
                System.arraycopy(head, 0, line, 0, headLength);
                chunk.get(from, line, headLength, to - from);
                seen.add(new String(line, StandardCharsets.US_ASCII));
            };
            StringBuilder all = new StringBuilder();
            for (int chunk = random.nextInt(6); chunk >= 0; chunk--) {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(25); i > 0; i--) {
                    text.append(random.nextInt(5) == 0 ? '\n' : (char) ('a' + random.nextInt(3)));
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
                splitter.split(ByteBuffer.wrap(bytes), 0, bytes.length, sink);
                all.append(text);
            }
            splitter.flush(sink);

            assertThat(seen).as("round %d: %s", round, all).isEqualTo(expectedPieces(all.toString()));
        }
    }

    private static List<String> expectedPieces(String text) {
        List<String> pieces = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i == lines.length - 1;
            if (line.isEmpty() && !last) {
                pieces.add("");
            }
            for (int start = 0; start < line.length(); start += MAX) {
                pieces.add(line.substring(start, Math.min(line.length(), start + MAX)));
            }
        }
        return pieces;
    }
}
