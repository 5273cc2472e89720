package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TailBufferTest {
    @Test
    void keepsTheLastLinesAcrossChunks() {
        TailBuffer tail = new TailBuffer(3);
        add(tail, "one\ntwo\n");
        add(tail, "three\nfour\n");

        assertThat(tail.last(10)).containsExactly("two", "three", "four");
        assertThat(tail.last(2)).containsExactly("three", "four");
        assertThat(tail.last(0)).isEmpty();
    }

    @Test
    void aChunkWithMoreLinesThanCapacityKeepsItsLastOnes() {
        TailBuffer tail = new TailBuffer(200);
        add(tail, "partial from before ");
        StringBuilder chunk = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            chunk.append("line ").append(i).append('\n');
            expected.add("line " + i);
        }
        add(tail, chunk + "unfinished");

        assertThat(tail.last(500)).isEqualTo(expected.subList(800, 1000));
    }

    @Test
    void aReadLargerThanTheDeferredRoomKeepsItsLastLinesWhetherTheyFitTheFirstCopyOrNot() {
        // 256 KiB direct chunks, as the pump reads them: 100-byte lines fit the first 32 KiB copy,
        // 300-byte lines (200 of them are 60 KB) need the second, 1000-byte lines (200 KB) neither.
        for (int length : new int[] {100, 300, 1000}) {
            TailBuffer tail = new TailBuffer(200);
            add(tail, "deferred before\npartial ");
            StringBuilder text = new StringBuilder();
            List<String> expected = new ArrayList<>();
            for (int i = 0; text.length() < 256 * 1024 - 2 * length; i++) {
                String line = String.format("%06d", i) + "x".repeat(length - 7);
                text.append(line).append('\n');
                expected.add(line);
            }
            text.append("unfinished");
            byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 10);
            direct.position(10);
            direct.put(bytes);
            tail.add(direct, 10, 10 + bytes.length);
            add(tail, " end\n");

            List<String> last = new ArrayList<>(expected.subList(expected.size() - 199, expected.size()));
            last.add("unfinished end");
            assertThat(tail.last(200)).as("lines of %d bytes", length).isEqualTo(last);
        }
    }

    @Test
    void randomChunksGiveTheSameTailAsSplittingEverythingAtOnceWhetherCutNowOrLater() {
        Random random = new Random(11);
        for (int round = 0; round < 1000; round++) {
            int capacity = 1 + random.nextInt(6);
            TailBuffer tail = new TailBuffer(capacity, random.nextInt(12));
            StringBuilder all = new StringBuilder();
            for (int chunk = random.nextInt(8); chunk >= 0; chunk--) {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(20); i > 0; i--) {
                    text.append(random.nextInt(4) == 0 ? '\n' : (char) ('a' + random.nextInt(3)));
                }
                add(tail, text.toString());
                all.append(text);
            }
            List<String> complete = new ArrayList<>(Arrays.asList(all.toString().split("\n", -1)));
            complete.remove(complete.size() - 1);

            assertThat(tail.last(capacity)).as("round %d: %s", round, all)
                    .isEqualTo(complete.subList(Math.max(0, complete.size() - capacity), complete.size()));
        }
    }

    @Test
    void aPartialLineIsJoinedWithItsRestAndEndedWhenTheStreamEnds() {
        TailBuffer tail = new TailBuffer(5);
        add(tail, "hel");
        add(tail, "lo");
        add(tail, " world\nbye");

        assertThat(tail.last(5)).containsExactly("hello world");
        tail.endLine();
        assertThat(tail.last(5)).containsExactly("hello world", "bye");
    }

    @Test
    void aVeryLongLineIsTruncatedWithAMarker() {
        TailBuffer tail = new TailBuffer(2);
        add(tail, "x".repeat(3000));
        add(tail, "x".repeat(3000) + "\n");

        String line = tail.last(1).get(0);
        assertThat(line).startsWith("x".repeat(TailBuffer.MAX_STORED)).endsWith(" [svd: line truncated, 6000 bytes]");
    }

    @Test
    void invalidUtf8IsReadAsReplacementCharacters() {
        TailBuffer tail = new TailBuffer(2);
        tail.add(ByteBuffer.wrap(new byte[] {'a', (byte) 0xFF, 'b', '\n'}), 0, 4);

        assertThat(tail.last(1)).containsExactly("a\uFFFDb");
    }

    @Test
    void zeroCapacityKeepsNothing() {
        TailBuffer tail = new TailBuffer(0);
        add(tail, "one\n");
        tail.endLine();

        assertThat(tail.last(5)).isEmpty();
    }

    @Test
    void eachLineKeepsTheArrivalNumberOfTheChunkThatEndedItHoweverItWasDeferredOrCut() {
        long seed = 20261207L;
        Random random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            int capacity = 1 + random.nextInt(6);
            int deferLimit = random.nextInt(40);
            TailBuffer tail = new TailBuffer(capacity, deferLimit);
            List<TailBuffer.Line> model = new ArrayList<>();
            StringBuilder partial = new StringBuilder();
            long seq = 0;
            for (int chunk = random.nextInt(12); chunk >= 0; chunk--) {
                seq += 1 + random.nextInt(3); // the other stream's chunks take numbers in between
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(20); i > 0; i--) {
                    char c = random.nextInt(4) == 0 ? '\n' : (char) ('a' + random.nextInt(3));
                    text.append(c);
                    if (c == '\n') {
                        model.add(new TailBuffer.Line(seq, seq * 10, partial.toString()));
                        partial.setLength(0);
                    } else {
                        partial.append(c);
                    }
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
                tail.add(ByteBuffer.wrap(bytes), 0, bytes.length, seq, seq * 10); // time: the chunk's, kept like seq
            }
            List<TailBuffer.Line> expected = model.subList(Math.max(0, model.size() - capacity), model.size());
            assertThat(tail.lastLines(capacity)).as("seed %d, round %d", seed, round).isEqualTo(expected);
            tail.endLine(seq + 1, (seq + 1) * 10);
            if (partial.length() > 0) {
                assertThat(tail.lastLines(1)).as("seed %d, round %d", seed, round)
                        .containsExactly(new TailBuffer.Line(seq + 1, (seq + 1) * 10, partial.toString()));
            }
        }
    }

    /**
     * Issue 16: the line arrays start empty and double as lines come (to hold 2,000 services' tails
     * in little memory). Capacities below, at and across the growth steps, reads between chunks (a
     * read cuts the deferred bytes into lines, so the ring grows while it holds lines), lines
     * wrapping the ring before and after it grows, a tail forgotten and refilled: always the last
     * {@code capacity} lines, oldest first, each with its chunk's arrival number.
     */
    @Test
    void theLinesKeptAreTheSameWhileTheRingGrowsAsLinesCome() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            int capacity = 1 + random.nextInt(3 * TailBuffer.FIRST_SLOTS * 4);
            TailBuffer tail = new TailBuffer(capacity, random.nextInt(2) == 0 ? 0 : random.nextInt(400));
            List<TailBuffer.Line> model = new ArrayList<>();
            StringBuilder partial = new StringBuilder();
            long seq = 0;
            for (int chunk = random.nextInt(60); chunk >= 0; chunk--) {
                seq++;
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(random.nextInt(8) == 0 ? 4 * capacity + 5 : 12); i > 0; i--) {
                    char c = random.nextInt(3) == 0 ? '\n' : (char) ('a' + random.nextInt(3));
                    text.append(c);
                    if (c == '\n') {
                        model.add(new TailBuffer.Line(seq, seq * 10, partial.toString()));
                        partial.setLength(0);
                    } else {
                        partial.append(c);
                    }
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
                tail.add(ByteBuffer.wrap(bytes), 0, bytes.length, seq, seq * 10);
                if (random.nextInt(4) == 0) {
                    int n = random.nextInt(capacity + 2);
                    List<TailBuffer.Line> kept = model.subList(Math.max(0, model.size() - capacity), model.size());
                    assertThat(tail.lastLines(n)).as("seed %d, round %d, capacity %d, chunk %d", seed, round, capacity, seq)
                            .isEqualTo(kept.subList(Math.max(0, kept.size() - n), kept.size()));
                }
            }
            List<TailBuffer.Line> expected = model.subList(Math.max(0, model.size() - capacity), model.size());
            assertThat(tail.lastLines(capacity + 1)).as("seed %d, round %d, capacity %d", seed, round, capacity)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aStreamOfTinyChunksKeepsEachLinesArrivalNumberPastTheLimitOfRememberedChunks() {
        TailBuffer tail = new TailBuffer(5);
        List<TailBuffer.Line> model = new ArrayList<>();
        StringBuilder partial = new StringBuilder();
        for (int seq = 1; seq <= 5 * TailBuffer.MAX_MARKS; seq++) {
            char c = seq % 7 == 0 ? '\n' : (char) ('a' + seq % 3);
            if (c == '\n') {
                model.add(new TailBuffer.Line(seq, seq * 10, partial.toString()));
                partial.setLength(0);
            } else {
                partial.append(c);
            }
            tail.add(ByteBuffer.wrap(new byte[] {(byte) c}), 0, 1, seq, seq * 10L);
        }
        assertThat(tail.lastLines(5)).isEqualTo(model.subList(model.size() - 5, model.size()));
    }

    private static void add(TailBuffer tail, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tail.add(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    @Test
    void afterAGapThePartialLineOnBothSidesIsDroppedNotJoined() {
        TailBuffer tail = new TailBuffer(10);
        byte[] before = "abc\nde".getBytes(StandardCharsets.US_ASCII);
        tail.add(ByteBuffer.wrap(before), 0, before.length, 1, 100);
        tail.gap(); // bytes lost here (spliced bytes the tail could not read back)
        byte[] after = "fg\nhi\n".getBytes(StandardCharsets.US_ASCII);
        tail.add(ByteBuffer.wrap(after), 0, after.length, 2, 200);

        assertThat(tail.lastLines(10)).containsExactly(new TailBuffer.Line(1, 100, "abc"), new TailBuffer.Line(2, 200, "hi"));
    }
}
