package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NewlinesTest {
    @Test
    void findsTheSameNewlinesAsAByteLoopInBothByteOrders() {
        Random random = new Random(2);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (int round = 0; round < 2_000; round++) {
                byte[] bytes = new byte[random.nextInt(40)];
                for (int i = 0; i < bytes.length; i++) {
                    // Mostly bytes next to '\n' (0x09, 0x0B, 0x8A) to catch borrow and carry mistakes.
                    int pick = random.nextInt(6);
                    bytes[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x09 : pick == 2 ? 0x0B : pick == 3 ? 0x8A : random.nextInt(256));
                }
                ByteBuffer chunk = ByteBuffer.wrap(bytes).order(order);
                int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
                int to = from + random.nextInt(bytes.length - from + 1);
                assertThat(Newlines.next(chunk, from, to)).isEqualTo(naiveNext(bytes, from, to));
                assertThat(Newlines.next(bytes, from, to)).as("heap array").isEqualTo(naiveNext(bytes, from, to));
                assertThat(Newlines.previous(chunk, from, to)).isEqualTo(naivePrevious(bytes, from, to));
                int n = 1 + random.nextInt(6);
                assertThat(Newlines.nthPrevious(bytes, from, to, n)).as("n=%d", n).isEqualTo(naiveNth(bytes, from, to, n));
            }
        }
    }

    /**
     * all() over words() gives every newline of the range, in order, also when {@code into} fills
     * (resumed after the last one found) and when the chunk starts or ends in the middle of a word;
     * half the rounds have long stretches without a newline (skipped two words at a time), with
     * bytes next to '\n' (0x09, 0x0B, 0x8A) that a sloppy test would take for one.
     */
    @Test
    void allFindsEveryNewlineOfARangeInWordsCopiedFromAChunk() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 3_000; round++) {
            boolean sparse = round % 2 == 1;
            byte[] bytes = new byte[random.nextInt(sparse ? 2_000 : 100)];
            for (int i = 0; i < bytes.length; i++) {
                int pick = random.nextInt(sparse ? 300 : 6);
                bytes[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x09 : pick == 2 ? 0x0B : pick == 3 ? 0x8A : random.nextInt(256));
            }
            int offset = random.nextInt(9);
            ByteBuffer chunk = ByteBuffer.allocateDirect(offset + bytes.length + random.nextInt(9));
            chunk.put(offset, bytes);
            long[] words = new long[(bytes.length + 7) / 8 + 1];
            java.util.Arrays.fill(words, 0x0A0A0A0A0A0A0A0AL); // what a longer earlier chunk left: must not count
            Newlines.words(chunk, offset, bytes.length, words);
            int from = random.nextInt(bytes.length + 1);
            int[] into = new int[1 + random.nextInt(4)];
            java.util.List<Integer> found = new java.util.ArrayList<>();
            for (int at = from, n = into.length; n == into.length; ) {
                n = Newlines.all(words, at, bytes.length, into);
                for (int i = 0; i < n; i++) {
                    found.add(into[i]);
                    at = into[i] + 1;
                }
            }
            java.util.List<Integer> expected = new java.util.ArrayList<>();
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    expected.add(i);
                }
            }
            assertThat(found).as("seed %d, round %d, from %d of %d", seed, round, from, bytes.length).isEqualTo(expected);
        }
    }

    private static int naiveNext(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int naiveNth(byte[] bytes, int from, int to, int n) {
        int left = n;
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == '\n' && --left == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int naivePrevious(byte[] bytes, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
