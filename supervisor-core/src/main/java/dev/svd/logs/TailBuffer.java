package dev.svd.logs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of one stream, kept as bytes for diagnostics. {@link #add} is called on the pump
 * thread; {@link #last} from any thread (every method is synchronized, and the pump holds the lock
 * only while copying the last lines of one chunk).
 *
 * <p>Lines are kept in reused slot arrays; a line longer than {@link #MAX_STORED} bytes keeps its
 * first {@code MAX_STORED} bytes and is marked as truncated when read. To keep the pump cheap
 * under a flood, a chunk that alone holds {@code capacity} lines is not cut into lines when it
 * arrives: it is counted backwards (a bit count per eight bytes, no branch per line), and its last
 * {@code capacity} lines are copied raw, in one piece, to be cut when a later chunk or a reader
 * needs them; if the next chunk is such a chunk too, they are dropped without ever being cut.
 * Smaller chunks are cut at once.
 */
final class TailBuffer {
    static final int MAX_STORED = 4 * 1024;
    /** Larger runs of lines are cut at once rather than copied, to bound the memory a stream holds. */
    static final int DEFER_LIMIT = 32 * 1024;

    private final int capacity;
    private final int deferLimit;
    private final byte[][] slots;
    private final int[] stored;
    private final int[] lengths;
    private final int[] newlines;
    private int next;
    private int count;
    private byte[] held = new byte[0];
    private int heldStored;
    private int heldLength;
    private ByteBuffer deferred = ByteBuffer.allocate(0);
    private int deferredLength;

    TailBuffer(int capacity) {
        this(capacity, DEFER_LIMIT);
    }

    TailBuffer(int capacity, int deferLimit) {
        this.capacity = capacity;
        this.deferLimit = deferLimit;
        this.slots = new byte[capacity][];
        this.stored = new int[capacity];
        this.lengths = new int[capacity];
        this.newlines = new int[capacity + 1];
    }

    /** Keeps the last lines of {@code chunk[from, to)}; a trailing partial line is held. */
    synchronized void add(ByteBuffer chunk, int from, int to) {
        if (capacity == 0) {
            return;
        }
        if (to - from > capacity) {
            int beforeOldest = Newlines.nthPrevious(chunk, from, to, capacity + 1);
            if (beforeOldest >= 0 && to - (beforeOldest + 1) <= deferLimit) {
                // The chunk alone ends with `capacity` complete lines: all we kept so far is older.
                count = 0;
                heldStored = 0;
                heldLength = 0;
                defer(chunk, beforeOldest + 1, to);
                return;
            }
        }
        splitDeferred();
        split(chunk, from, to);
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
            commitHeld();
            start = newlines[found] + 1;
        }
        for (int i = found - 1; i >= 0; i--) {
            store(chunk, start, newlines[i]);
            start = newlines[i] + 1;
        }
        hold(chunk, start, to);
    }

    /** Ends the held partial line, if any, as a line (the stream ended). */
    synchronized void endLine() {
        splitDeferred();
        if (heldLength > 0) {
            commitHeld();
        }
    }

    /** The held bytes become a line, even when there are none (an empty line). */
    private void commitHeld() {
        byte[] slot = slot(heldStored);
        System.arraycopy(held, 0, slot, 0, heldStored);
        commit(heldStored, heldLength);
        heldStored = 0;
        heldLength = 0;
    }

    /** The last {@code n} complete lines, oldest first, decoded as UTF-8 with replacement characters. */
    synchronized List<String> last(int n) {
        splitDeferred();
        int size = Math.min(Math.max(n, 0), count);
        List<String> lines = new ArrayList<>(size);
        for (int i = size; i > 0; i--) {
            int index = Math.floorMod(next - i, capacity);
            String line = new String(slots[index], 0, stored[index], StandardCharsets.UTF_8);
            if (stored[index] < lengths[index]) {
                line += " [svd: line truncated, " + lengths[index] + " bytes]";
            }
            lines.add(line);
        }
        return lines;
    }

    private void defer(ByteBuffer chunk, int from, int to) {
        int length = to - from;
        if (length > deferred.capacity()) {
            deferred = ByteBuffer.allocate(Math.min(deferLimit, Math.max(length, 2 * deferred.capacity())));
        }
        chunk.get(from, deferred.array(), 0, length);
        deferredLength = length;
    }

    private void splitDeferred() {
        if (deferredLength > 0) {
            split(deferred, 0, deferredLength);
            deferredLength = 0;
        }
    }

    private void store(ByteBuffer chunk, int from, int to) {
        int length = to - from;
        int keep = Math.min(length, MAX_STORED);
        chunk.get(from, slot(keep), 0, keep);
        commit(keep, length);
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
        byte[] slot = slots[next];
        if (slot == null || slot.length < size) {
            slot = new byte[Math.max(size, 128)];
            slots[next] = slot;
        }
        return slot;
    }

    private void commit(int storedBytes, int length) {
        stored[next] = storedBytes;
        lengths[next] = length;
        next = (next + 1) % capacity;
        count = Math.min(count + 1, capacity);
    }
}
