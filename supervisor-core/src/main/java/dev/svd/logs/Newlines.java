package dev.svd.logs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds {@code '\n'} in a ByteBuffer (or, counting back, in a byte array) by absolute index, eight
 * bytes at a time, without moving its position. Stateless; any thread.
 *
 * <p>The word test is the exact "has zero byte" form from Hacker's Delight 6-1 (no borrow, so no
 * false positives), which lets the same mask serve forward and backward searches in either byte
 * order.
 */
final class Newlines {
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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

    /** Index of the first {@code '\n'} in {@code bytes[from, to)}, or -1; on a heap array (see {@link #nthPrevious}). */
    static int next(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long mask = mask((long) LONGS.get(bytes, i));
            if (mask != 0) {
                return i + Long.numberOfTrailingZeros(mask) / Byte.SIZE; // little-endian view
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n') {
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
     * Index of the {@code n}-th last {@code '\n'} in {@code bytes[from, to)} ({@code n} >= 1), or -1
     * when there are fewer. Reads a heap array eight bytes at a time through a VarHandle and counts
     * bits only in words that hold a newline: svd runs with C1 only ({@code -XX:TieredStopAtLevel=1}),
     * where ByteBuffer.getLong is several calls deep and Long.bitCount is not an intrinsic; this form
     * scans about four times faster there (20 KB of 100-byte lines: 3.4 us against 14 us through a
     * direct ByteBuffer; docs/benchmarks.md).
     */
    static int nthPrevious(byte[] bytes, int from, int to, int n) {
        int left = n;
        int i = to;
        for (; i - Long.BYTES >= from; i -= Long.BYTES) {
            long mask = mask((long) LONGS.get(bytes, i - Long.BYTES));
            if (mask != 0) {
                int count = Long.bitCount(mask);
                if (count >= left) {
                    // Little-endian view: byte k of the word at bits 8k..8k+7, higher addresses higher bits.
                    for (; left > 1; left--) {
                        mask &= ~Long.highestOneBit(mask);
                    }
                    return i - 1 - Long.numberOfLeadingZeros(mask) / Byte.SIZE;
                }
                left -= count;
            }
        }
        for (i--; i >= from; i--) {
            if (bytes[i] == '\n' && --left == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Copies {@code chunk[from, from + length)} into {@code words} as little-endian words, as
     * {@link #all} reads them (the last word's bytes past {@code length} are zero), in one bulk copy
     * but for the last few bytes. Leaves the chunk's position, limit and byte order as they were.
     */
    static void words(ByteBuffer chunk, int from, int length, long[] words) {
        int whole = length >>> 3;
        chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(from).limit(from + (whole << 3))
                .asLongBuffer().get(words, 0, whole);
        if ((length & 7) != 0) {
            long last = 0;
            for (int i = from + length - 1; i >= from + (whole << 3); i--) {
                last = last << 8 | (chunk.get(i) & 0xFF);
            }
            words[whole] = last;
        }
    }

    /**
     * Puts the indexes of the {@code '\n'}s among bytes {@code [from, to)} into {@code into}, in order,
     * as many as fit, and returns how many it put; fewer than {@code into.length}: all of them.
     * {@code words} holds the bytes in little-endian words (byte {@code i} is bits {@code 8(i % 8)} of
     * {@code words[i / 8]}), as a bulk copy through a little-endian LongBuffer view leaves them. On
     * svd's C1 a plain long[] scans over twice as fast as a byte[] read through a VarHandle (512 MiB
     * of 100-byte lines: 40 ms against 90 ms of CPU; docs/benchmarks.md), and one loop finds every
     * newline of a chunk instead of one call per line.
     */
    static int all(long[] words, int from, int to, int[] into) {
        if (from >= to) {
            return 0;
        }
        int found = 0;
        int w = from >>> 3;
        int last = (to - 1) >>> 3;
        long mask = mask(words[w]) & (-1L << ((from & 7) << 3));
        // The words before the last, in a loop that C1 keeps small: most words hold no newline.
        while (w < last) {
            while (mask != 0) {
                if (found == into.length) {
                    return found;
                }
                into[found++] = (w << 3) + (Long.numberOfTrailingZeros(mask) >>> 3);
                mask &= mask - 1;
            }
            w++;
            // Two words at a time while neither holds a newline (before the last word, which is
            // masked below): one test and one loop step per 16 bytes. With 100-byte lines most
            // words hold none; on C1, which does not unroll, this takes the scan of 512 MiB from
            // about 78 to 66 ms of CPU (docs/benchmarks.md, "Records: where the pump's time goes").
            // A byte is a newline where (x & LOW7) + LOW7 | x has its high bit clear, as in mask().
            while (w + 1 < last) {
                long a = words[w] ^ NEWLINES;
                long b = words[w + 1] ^ NEWLINES;
                if ((((a & LOW7) + LOW7 | a) & ((b & LOW7) + LOW7 | b) | LOW7) != -1L) {
                    break;
                }
                w += 2;
            }
            long x = words[w] ^ NEWLINES;
            mask = ~(((x & LOW7) + LOW7) | x | LOW7);
        }
        if ((to & 7) != 0) {
            mask &= ~(-1L << ((to & 7) << 3)); // not the bytes at and after to
        }
        while (mask != 0 && found < into.length) {
            into[found++] = (w << 3) + (Long.numberOfTrailingZeros(mask) >>> 3);
            mask &= mask - 1;
        }
        return found;
    }

    /** The high bit of every byte of {@code word} that is {@code '\n'}, and no other bit. */
    private static long mask(long word) {
        long x = word ^ NEWLINES;
        long t = (x & LOW7) + LOW7;
        return ~(t | x | LOW7);
    }
}
