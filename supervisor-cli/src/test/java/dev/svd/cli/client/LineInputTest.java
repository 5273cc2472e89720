package dev.svd.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineInputTest {
    /** Hands out {@code bytes} in pieces of random size, as a socket may. */
    private static ReadableByteChannel pieces(byte[] bytes, Random random) {
        return new ReadableByteChannel() {
            private int at;

            @Override
            public int read(ByteBuffer dst) {
                if (at == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(dst.remaining(), bytes.length - at), 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
                dst.put(bytes, at, n);
                at += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void linesComeBackWholeHoweverTheBytesArriveAndHoweverLong() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<String> lines = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(6); i >= 0; i--) {
                StringBuilder line = new StringBuilder();
                int length = random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(40);
                for (int c = 0; c < length; c++) {
                    line.append(random.nextInt(20) == 0 ? "\u00e9\u20ac\ud83d\ude00".charAt(random.nextInt(2)) : (char) ('a' + random.nextInt(26)));
                }
                lines.add(line.toString());
                text.append(line).append(random.nextInt(5) == 0 ? "\r\n" : "\n");
            }
            boolean unterminated = random.nextBoolean();
            if (unterminated) {
                lines.add("last without newline");
                text.append("last without newline");
            }
            LineInput in = new LineInput(pieces(text.toString().getBytes(StandardCharsets.UTF_8), random));
            List<String> read = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                read.add(line);
            }
            assertThat(read).as("seed %d, round %d", seed, round).isEqualTo(lines);
        }
    }

    @Test
    void malformedUtf8IsReadAsReplacementCharacters() throws Exception {
        LineInput in = new LineInput(pieces(new byte[] {'a', (byte) 0xff, 'b', '\n'}, new Random(1)));
        assertThat(in.readLine()).isEqualTo("a\ufffdb");
        assertThat(in.readLine()).isNull();
    }
}
