package dev.svd.logs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds {@code '\n'} in a ByteBuffer by absolute index, eight bytes at a time, without moving
 * its position. Stateless; any thread.
 *
 * <p>The word test is the exact "has zero byte" form from Hacker's Delight 6-1 (no borrow, so no
 * false positives), which lets the same mask serve forward and backward searches in either byte
 * order.
 */
final class Newlines {
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    private Newlines() {
    }

    /** Index of the first {@code '\n'} in {@code chunk[from, to)}, or -1. */
    static int next(ByteBuffer chunk, int from, int to) {
        boolean bigEndian = chunk.order() == ByteOrder.BIG_ENDIAN;
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long mask = mask(chunk.getLong(i));
            if (mask != 0) {
                int bits = bigEndian ? Long.numberOfLeadingZeros(mask) : Long.numberOfTrailingZeros(mask);
                return i + bits / Byte.SIZE;
            }
        }
        for (; i < to; i++) {
            if (chunk.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the last {@code '\n'} in {@code chunk[from, to)}, or -1. */
    static int previous(ByteBuffer chunk, int from, int to) {
        boolean bigEndian = chunk.order() == ByteOrder.BIG_ENDIAN;
        int i = to;
        for (; i - Long.BYTES >= from; i -= Long.BYTES) {
            long mask = mask(chunk.getLong(i - Long.BYTES));
            if (mask != 0) {
                int bits = bigEndian ? Long.numberOfTrailingZeros(mask) : Long.numberOfLeadingZeros(mask);
                return i - 1 - bits / Byte.SIZE;
            }
        }
        for (i--; i >= from; i--) {
            if (chunk.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the {@code n}-th last {@code '\n'} in {@code chunk[from, to)} ({@code n} >= 1), or -1
     * when there are fewer. Counts eight bytes at a time with a bit count, so the loop has no
     * branch per line: cheaper than {@code n} calls of {@link #previous} when only a count matters.
     */
    static int nthPrevious(ByteBuffer chunk, int from, int to, int n) {
        boolean bigEndian = chunk.order() == ByteOrder.BIG_ENDIAN;
        int left = n;
        int i = to;
        for (; i - Long.BYTES >= from; i -= Long.BYTES) {
            long mask = mask(chunk.getLong(i - Long.BYTES));
            int count = Long.bitCount(mask);
            if (count >= left) {
                // Byte k of the word at bits 8k..8k+7, so higher addresses are higher bits.
                long ordered = bigEndian ? Long.reverseBytes(mask) : mask;
                for (; left > 1; left--) {
                    ordered &= ~Long.highestOneBit(ordered);
                }
                return i - 1 - Long.numberOfLeadingZeros(ordered) / Byte.SIZE;
            }
            left -= count;
        }
        for (i--; i >= from; i--) {
            if (chunk.get(i) == '\n' && --left == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The high bit of every byte of {@code word} that is {@code '\n'}, and no other bit. */
    private static long mask(long word) {
        long x = word ^ NEWLINES;
        long t = (x & LOW7) + LOW7;
        return ~(t | x | LOW7);
    }
}
