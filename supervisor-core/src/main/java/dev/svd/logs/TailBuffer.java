package dev.svd.logs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of one stream, kept as bytes for diagnostics. {@link #add} is called on the pump
 * thread; {@link #last} from any thread (every method is synchronized; the pump holds the lock for
 * a copy of one chunk and now and then a count, a reader for cutting at most 192 KiB into lines).
 *
 * <p>Lines are kept in reused slot arrays; a line longer than {@link #MAX_STORED} bytes keeps its
 * first {@code MAX_STORED} bytes and is marked as truncated when read.
 *
 * <p>To keep the pump cheap, chunks are not cut into lines when they arrive: they are appended raw
 * to a deferred buffer (one bulk copy, no scanning). When it is full, it is counted backwards
 * (eight bytes at a time, bits counted only in words holding a newline) for its last
 * {@code capacity} lines; everything before them is dropped unread. Lines are cut only when a
 * reader asks or when the deferred bytes hold fewer than {@code capacity} lines (long lines).
 * Under a flood of short lines, each byte costs a copy and, for one in every few, a count. The
 * count runs on our heap copy, not on the caller's direct buffer: on C1 (svd's launcher) that is
 * four times cheaper, and copying is cheaper still (per 64 KiB chunk of 100-byte lines: 0.8 us
 * to copy, 3.2 us to count back 201 lines; add() as a whole went from 7.0 to 4.2 us).
 *
 * <p>Each line keeps the arrival number of the chunk that ended it ({@link Line#seq}), so that the
 * tails of a service's two streams can be merged in arrival order (svctl logs, issue 11). Deferred
 * bytes remember where each chunk ended ({@code markEnds}): one int and one long per chunk, written
 * on the pump thread, read only when lines are cut.
 */
final class TailBuffer {
    static final int MAX_STORED = 4 * 1024;
    /**
     * The most raw bytes a stream defers; grown to only as output arrives. A count keeps the last
     * {@code capacity} lines (20 KB of 100-byte lines at the default 200) and must leave room for
     * two 64 KiB reads: at 128 KiB every such chunk paid a count (add() 4.3 us per chunk), at
     * 192 KiB every other one does (2.5 us; 256 KiB: 1.9 us). Of a chunk larger than this (the
     * pump reads up to 256 KiB at once) only the end is copied (see {@link #deferLastLines}).
     */
    static final int DEFER_LIMIT = 192 * 1024;
    /**
     * The most chunks the deferred bytes remember ({@code markEnds}, 12 bytes each); a service
     * writing in tiny pieces has its deferred bytes cut into lines at this count instead.
     */
    static final int MAX_MARKS = 1024;
    /** The end of a chunk too large to defer that is copied first: 200 lines of up to 160 bytes. */
    static final int LAST_LINES_FIRST_TRY = 32 * 1024;

    /** One kept line, the arrival number of the chunk that brought its end, and when that chunk was read (epoch ms). */
    record Line(long seq, long time, String text) {}

    /** The first size of the line arrays, grown (doubled) to {@code capacity} as lines come. */
    static final int FIRST_SLOTS = 8;

    private final int capacity;
    private final int deferLimit;
    /*
     * The kept lines, a ring of slots.length entries that grows to capacity only as lines come: a
     * stream that never writes (most services' stderr) holds no arrays, one that wrote a line a few
     * hundred bytes. At 2,000 services the arrays of 200 each, allocated up front, were 14 KB of
     * heap per service, two thirds of all (docs/benchmarks.md, "Scale").
     */
    private byte[][] slots = new byte[0][];
    private int[] stored = new int[0];
    private int[] lengths = new int[0];
    private long[] seqs = new long[0];
    private long[] times = new long[0];
    /** The deferred bytes' chunks: chunk i ends before {@code markEnds[i]} and arrived as {@code markSeqs[i]}. */
    private int[] markEnds = new int[0];
    private long[] markSeqs = new long[0];
    private long[] markTimes = new long[0];
    private int marks;
    /** The arrival number of the chunk being added, or of the last one. */
    private long current;
    /** When the chunk being added, or the last one, was read (epoch ms). */
    private long currentTime;
    private int[] newlines = new int[0];
    private int next;
    private int count;
    private byte[] held = new byte[0];
    private int heldStored;
    private int heldLength;
    private ByteBuffer deferred = ByteBuffer.allocate(0);
    private int deferredLength;
    /** Bytes were lost before the next chunk: its bytes up to its first newline are the end of a line whose start is gone. */
    private boolean afterGap;

    TailBuffer(int capacity) {
        this(capacity, DEFER_LIMIT);
    }

    TailBuffer(int capacity, int deferLimit) {
        this.capacity = capacity;
        this.deferLimit = deferLimit;
    }

    /** As {@link #add(ByteBuffer, int, int, long)} with no arrival number (a stream on its own). */
    synchronized void add(ByteBuffer chunk, int from, int to) {
        add(chunk, from, to, current, currentTime);
    }

    /** As {@link #add(ByteBuffer, int, int, long, long)} read at the time of the last chunk. */
    synchronized void add(ByteBuffer chunk, int from, int to, long seq) {
        add(chunk, from, to, seq, currentTime);
    }

    /**
     * Keeps the last lines of {@code chunk[from, to)}; a trailing partial line is held. {@code seq}
     * is the chunk's arrival number: it grows from chunk to chunk across the service's streams;
     * {@code time} when it was read (epoch ms), which its lines keep.
     */
    synchronized void add(ByteBuffer chunk, int from, int to, long seq, long time) {
        if (capacity == 0) {
            return;
        }
        current = seq;
        currentTime = time;
        if (afterGap) {
            int newline = Newlines.next(chunk, from, to);
            if (newline < 0) {
                return;
            }
            afterGap = false;
            from = newline + 1;
        }
        if (deferredLength + (to - from) <= deferLimit) {
            defer(chunk, from, to);
            return;
        }
        // Full. Usually the chunk's own end holds more lines than we keep: then all before them
        // goes unread, deferred bytes included.
        if (deferLastLines(chunk, from, to)) {
            return;
        }
        // Count back in our own heap copy, never in the caller's (direct) buffer, where counting
        // costs four times as much on C1 while copying a chunk costs under a microsecond.
        settleDeferred();
        if (deferredLength + (to - from) <= deferLimit) {
            defer(chunk, from, to);
        } else if (!deferLastLines(chunk, from, to)) {
            splitDeferred();
            split(chunk, from, to);
        }
    }

    /**
     * A chunk that does not fit after the deferred bytes (the pump reads up to 256 KiB at once):
     * copies the end of it after them, first {@link #LAST_LINES_FIRST_TRY} bytes, then as much as fits,
     * and when the copy holds more than {@code capacity} lines keeps only what follows the newline
     * before them (everything earlier, deferred or in the chunk, is older than the lines kept).
     * Returns false, with the deferred bytes as they were, when even the larger copy holds too few
     * lines (long lines): then the chunk is cut in place. Counting in our heap copy instead of the
     * caller's direct buffer: per 256 KiB chunk of 100-byte lines 4 us instead of 21 us on C1
     * (docs/benchmarks.md).
     */
    private boolean deferLastLines(ByteBuffer chunk, int from, int to) {
        int room = deferLimit - deferredLength;
        if (deferred.capacity() < deferLimit) {
            deferred = ByteBuffer.wrap(Arrays.copyOf(deferred.array(), deferLimit));
        }
        for (int copy = Math.min(room, LAST_LINES_FIRST_TRY); copy > 0; copy = copy < room ? room : 0) {
            int end = deferredLength + copy;
            chunk.get(to - copy, deferred.array(), deferredLength, copy);
            int beforeOldest = Newlines.nthPrevious(deferred.array(), deferredLength, end, capacity + 1);
            if (beforeOldest >= 0) {
                int kept = end - (beforeOldest + 1);
                mark(end);
                forgetAll();
                System.arraycopy(deferred.array(), beforeOldest + 1, deferred.array(), 0, kept);
                deferredLength = kept;
                shiftMarks(beforeOldest + 1);
                return true;
            }
        }
        return false;
    }

    /**
     * Makes room in the deferred bytes: when they hold more than {@code capacity} lines, all before
     * the last {@code capacity} is dropped unread (and so is everything kept before them);
     * otherwise they are cut into lines.
     */
    private void settleDeferred() {
        int beforeOldest = Newlines.nthPrevious(deferred.array(), 0, deferredLength, capacity + 1);
        if (beforeOldest < 0) {
            splitDeferred();
            return;
        }
        int kept = deferredLength - (beforeOldest + 1);
        forgetAll();
        System.arraycopy(deferred.array(), beforeOldest + 1, deferred.array(), 0, kept);
        deferredLength = kept;
        shiftMarks(beforeOldest + 1);
    }

    /** The deferred bytes up to {@code end} (exclusive) came with the current chunk. */
    private void mark(int end) {
        if (marks > 0 && markSeqs[marks - 1] == current) {
            markEnds[marks - 1] = end;
            return;
        }
        if (marks == markEnds.length) {
            int size = Math.max(16, 2 * marks);
            markEnds = Arrays.copyOf(markEnds, size);
            markSeqs = Arrays.copyOf(markSeqs, size);
            markTimes = Arrays.copyOf(markTimes, size);
        }
        markEnds[marks] = end;
        markSeqs[marks] = current;
        markTimes[marks] = currentTime;
        marks++;
    }

    /** The deferred bytes before {@code cut} were dropped: forget their chunks, shift the others. */
    private void shiftMarks(int cut) {
        int kept = 0;
        for (int i = 0; i < marks; i++) {
            if (markEnds[i] > cut) {
                markEnds[kept] = markEnds[i] - cut;
                markSeqs[kept] = markSeqs[i];
                markTimes[kept] = markTimes[i];
                kept++;
            }
        }
        marks = kept;
    }

    /** The arrival number of the chunk that brought byte {@code at} of {@code chunk}. */
    private long seqAt(ByteBuffer chunk, int at) {
        int mark = markAt(chunk, at);
        return mark < 0 ? current : markSeqs[mark];
    }

    /** When the chunk that brought byte {@code at} of {@code chunk} was read. */
    private long timeAt(ByteBuffer chunk, int at) {
        int mark = markAt(chunk, at);
        return mark < 0 ? currentTime : markTimes[mark];
    }

    /** The mark of the chunk that brought byte {@code at} of {@code chunk}; -1: the current chunk. */
    private int markAt(ByteBuffer chunk, int at) {
        if (chunk != deferred) {
            return -1;
        }
        int lo = 0;
        int hi = marks - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (markEnds[mid] > at) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return marks == 0 ? -1 : lo;
    }

    /**
     * Bytes of this stream were lost to the tail: a held partial line is dropped (its end is
     * unknown), and so are the deferred bytes' unread lines (they are older than what follows).
     */
    synchronized void gap() {
        splitDeferred();
        heldStored = 0;
        heldLength = 0;
        afterGap = true;
    }

    private void forgetAll() {
        count = 0;
        heldStored = 0;
        heldLength = 0;
        deferredLength = 0;
    }

    /** Cuts {@code chunk[from, to)} into lines, the last {@code capacity} of which are stored. */
    private void split(ByteBuffer chunk, int from, int to) {
        // One backward pass: newlines[0] is the last newline, newlines[found - 1] the earliest needed.
        int found = 0;
        for (int end = to; found <= capacity; found++) {
            int newline = Newlines.previous(chunk, from, end);
            if (newline < 0) {
                break;
            }
            if (found == newlines.length) {
                newlines = Arrays.copyOf(newlines, Math.min(capacity + 1, Math.max(FIRST_SLOTS, 2 * found)));
            }
            newlines[found] = newline;
            end = newline;
        }
        if (found == 0) {
            hold(chunk, from, to);
            return;
        }
        int start;
        if (found > capacity) {
            // The chunk alone has more lines than we keep: what was held is older than all of them.
            found = capacity;
            start = newlines[capacity] + 1;
            heldStored = 0;
            heldLength = 0;
        } else {
            found--;
            hold(chunk, from, newlines[found]);
            commitHeld(seqAt(chunk, newlines[found]), timeAt(chunk, newlines[found]));
            start = newlines[found] + 1;
        }
        for (int i = found - 1; i >= 0; i--) {
            store(chunk, start, newlines[i]);
            start = newlines[i] + 1;
        }
        hold(chunk, start, to);
    }

    /** Ends the held partial line, if any, as a line (the stream ended). */
    void endLine() {
        endLine(current, currentTime);
    }

    /** As {@link #endLine(long, long)} at the time of the last chunk. */
    void endLine(long seq) {
        endLine(seq, currentTime);
    }

    /** Ends the held partial line, if any, as a line that arrived as {@code seq} (the stream ended). */
    synchronized void endLine(long seq, long time) {
        afterGap = false;
        splitDeferred();
        if (heldLength > 0) {
            commitHeld(seq, time);
        }
    }

    /** The held bytes become a line, even when there are none (an empty line). */
    private void commitHeld(long seq, long time) {
        byte[] slot = slot(heldStored);
        System.arraycopy(held, 0, slot, 0, heldStored);
        commit(heldStored, heldLength, seq, time);
        heldStored = 0;
        heldLength = 0;
    }

    /** The last {@code n} complete lines, oldest first, decoded as UTF-8 with replacement characters. */
    List<String> last(int n) {
        List<Line> lines = lastLines(n);
        List<String> texts = new ArrayList<>(lines.size());
        for (Line line : lines) {
            texts.add(line.text());
        }
        return texts;
    }

    /** As {@link #last}, each line with its arrival number. */
    synchronized List<Line> lastLines(int n) {
        splitDeferred();
        int size = Math.min(Math.max(n, 0), count);
        List<Line> lines = new ArrayList<>(size);
        for (int i = size; i > 0; i--) {
            int index = Math.floorMod(next - i, slots.length);
            String line = new String(slots[index], 0, stored[index], StandardCharsets.UTF_8);
            if (stored[index] < lengths[index]) {
                line += " [svd: line truncated, " + lengths[index] + " bytes]";
            }
            lines.add(new Line(seqs[index], times[index], line));
        }
        return lines;
    }

    private void defer(ByteBuffer chunk, int from, int to) {
        int length = to - from;
        if (deferredLength + length > deferred.capacity()) {
            int size = Math.min(deferLimit, Math.max(deferredLength + length, 2 * deferred.capacity()));
            deferred = ByteBuffer.wrap(Arrays.copyOf(deferred.array(), size));
        }
        chunk.get(from, deferred.array(), deferredLength, length);
        deferredLength += length;
        mark(deferredLength);
        if (marks >= MAX_MARKS) {
            splitDeferred();
        }
    }

    private void splitDeferred() {
        if (deferredLength > 0) {
            split(deferred, 0, deferredLength);
            deferredLength = 0;
        }
        marks = 0;
    }

    private void store(ByteBuffer chunk, int from, int to) {
        int length = to - from;
        int keep = Math.min(length, MAX_STORED);
        chunk.get(from, slot(keep), 0, keep);
        commit(keep, length, seqAt(chunk, to), timeAt(chunk, to));
    }

    private void hold(ByteBuffer chunk, int from, int to) {
        int keep = Math.min(to - from, MAX_STORED - heldStored);
        if (heldStored + keep > held.length) {
            held = Arrays.copyOf(held, Math.min(MAX_STORED, Math.max(held.length * 2, heldStored + keep)));
        }
        chunk.get(from, held, heldStored, keep);
        heldStored += keep;
        heldLength += to - from;
    }

    /** The next slot, reused when it is big enough. */
    private byte[] slot(int size) {
        if (count == slots.length && count < capacity) {
            grow();
        }
        byte[] slot = slots[next];
        if (slot == null || slot.length < size) {
            slot = new byte[Math.max(size, 128)];
            slots[next] = slot;
        }
        return slot;
    }

    private void commit(int storedBytes, int length, long seq, long time) {
        stored[next] = storedBytes;
        lengths[next] = length;
        seqs[next] = seq;
        times[next] = time;
        next = (next + 1) % slots.length;
        count = Math.min(count + 1, slots.length);
    }

    /**
     * The ring is full but may hold more: doubles it (up to {@code capacity}), its lines oldest first
     * from index 0. Only when the ring is full: {@code next} is then its oldest line.
     */
    private void grow() {
        int old = slots.length;
        int size = Math.min(capacity, Math.max(FIRST_SLOTS, 2 * old));
        slots = ring(slots, new byte[size][], old);
        stored = ring(stored, new int[size], old);
        lengths = ring(lengths, new int[size], old);
        seqs = ring(seqs, new long[size], old);
        times = ring(times, new long[size], old);
        next = count;
    }

    /** Copies the full ring {@code from} of {@code length} entries (oldest at {@code next}) into the start of {@code to}. */
    private <T> T ring(T from, T to, int length) {
        System.arraycopy(from, next, to, 0, length - next);
        System.arraycopy(from, 0, to, length - next, next);
        return to;
    }
}
