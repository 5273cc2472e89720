package dev.svd.logs;

import dev.svd.os.OutputKind;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns chunks of output into records (docs/logging.md, "Records") in one growing heap buffer, for
 * writers without rotation such as a job's {@code job-NAME.log}. Services' files are written by
 * {@code RotatingFile}, which also cuts records at max-size. One thread at a time.
 */
public final class RecordEncoder {
    private final RecordPrefix prefixes = new RecordPrefix();
    private byte[] out = new byte[256];

    /**
     * The records of {@code chunk}'s bytes from its position to its limit (the position ends at the
     * limit), read from {@code stream} at {@code epochMillis}: one per line, F when its newline is in
     * the chunk, P for a trailing partial line. The result is valid until the next call.
     */
    public ByteBuffer encode(OutputKind stream, ByteBuffer chunk, long epochMillis) {
        byte[] prefix = prefixes.at(epochMillis, stream);
        int end = chunk.limit();
        int length = 0;
        for (int at = chunk.position(); at < end; ) {
            int newline = Newlines.next(chunk, at, end);
            int lineEnd = newline < 0 ? end : newline + 1;
            int needed = RecordPrefix.BYTES + (lineEnd - at) + 1;
            if (length + needed > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, length + needed));
            }
            prefix[RecordPrefix.KIND_AT] = (byte) (newline < 0 ? 'P' : 'F');
            System.arraycopy(prefix, 0, out, length, RecordPrefix.BYTES);
            length += RecordPrefix.BYTES;
            chunk.get(at, out, length, lineEnd - at);
            length += lineEnd - at;
            if (newline < 0) {
                out[length++] = '\n';
            }
            at = lineEnd;
        }
        chunk.position(end);
        return ByteBuffer.wrap(out, 0, length);
    }
}
