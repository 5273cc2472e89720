package dev.svd.logs;

import dev.svd.os.OutputKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The log files of one service or job, for searching (docs/logging.md, "Reading the files"): records
 * found by time with a binary search, assembled into the program's lines. With
 * {@code log.timestamps = true} each line of a file is a record (CRI format, {@link CriRecord}) and
 * records are in time order within a file and from file to file; a line that is not a record (svd's
 * loss marker, a job's header) belongs to the record before it. A file without records (written with
 * {@code log.timestamps = false}) has lines without time or stream. Used by one thread.
 */
public final class ServiceLog implements AutoCloseable {
    /** The most bytes of one line that are kept, shown and searched (docs/svctl.md, "logs"). */
    public static final int MAX_LINE = 16 * 1024;
    /** How far a probe of the binary search reads for a record before it gives up. */
    private static final int PROBE_LIMIT = 1024 * 1024;
    /** How far the start of the newest file is read to tell whether it holds records. */
    private static final int SNIFF = 64 * 1024;
    /** How far before a start inside the files {@link #lines} reads to learn what the lines there continue. */
    static final int LOOK_BACK = 256 * 1024;

    private final String service;
    private final LogFiles files;
    private final boolean timed;

    private ServiceLog(String service, LogFiles files) throws IOException {
        this.service = service;
        this.files = files;
        this.timed = sniff();
    }

    /** The files {@code dir/FILE}, {@code dir/FILE.N}; a service that never wrote has none. */
    public static ServiceLog open(String service, Path dir, String file) throws IOException {
        return new ServiceLog(service, LogFiles.open(dir, file));
    }

    public String service() {
        return service;
    }

    /** False when the newest file that has bytes holds no record near its start: a raw file. */
    public boolean timed() {
        return timed;
    }

    /** The newest file, for messages. */
    public String describe() {
        return files.count() == 0 ? service : files.path(files.count() - 1).toString();
    }

    public boolean empty() {
        return files.total() == 0;
    }

    long total() {
        return files.total();
    }

    /** Bytes read from the files so far. */
    long bytesRead() {
        return files.bytesRead();
    }

    private boolean sniff() throws IOException {
        for (int f = files.count() - 1; f >= 0; f--) {
            if (files.end(f) > files.start(f)) {
                LineCursor c = new LineCursor(files, files.start(f), Math.min(files.end(f), files.start(f) + SNIFF),
                        128, 4096);
                while (c.next()) {
                    if (CriRecord.parse(c.bytes(), 0, c.kept()) != null) {
                        return true;
                    }
                }
                return false;
            }
        }
        return true; // nothing written: nothing to refuse
    }

    /**
     * The offset of the first record whose time is at least {@code millis}, all records before it
     * being earlier (the total when there is none): a binary search over the bytes, each probe reading
     * forward from the line after it to the next record. Lines that are not records just before it
     * belong to the record before them, so the result is the record's own line.
     */
    long firstAtOrAfter(long millis) throws IOException {
        long at = searchAtOrAfter(millis);
        LineCursor c = new LineCursor(files, at, Math.min(files.total(), at + PROBE_LIMIT), 64, 4096);
        while (c.next()) {
            if (CriRecord.parse(c.bytes(), 0, c.kept()) != null) {
                return c.lineStart();
            }
        }
        // No record after it: the lines there belong to the last record (or the probe gave up).
        return c.position() >= files.total() ? files.total() : at;
    }

    private long searchAtOrAfter(long millis) throws IOException {
        long lo = 0;
        long hi = files.total();
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            long t = firstRecordTime(mid);
            if (t >= millis) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The time of the first record in a line starting at or after {@code offset}; max value when there is none near. */
    private long firstRecordTime(long offset) throws IOException {
        LineCursor c = new LineCursor(files, offset, Math.min(files.total(), offset + PROBE_LIMIT), 64, 4096);
        while (c.next()) {
            CriRecord r = CriRecord.parse(c.bytes(), 0, c.kept());
            if (r != null) {
                return r.millis();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The lines that end in {@code [from, to)}, assembled from their records. When {@code from} is
     * inside the files, up to {@link #LOOK_BACK} bytes before it are read first to learn what the
     * lines there continue: the time and stream of the record before (for lines that are not
     * records), and which stream was in the middle of a line (its first piece here is the end of a
     * line that began before {@code from}: that line is left out, not shown cut).
     */
    Lines lines(long from, long to) throws IOException {
        LineCursor cursor = new LineCursor(files, from, to, MAX_LINE + 64);
        Lines lines = new Lines(cursor);
        long start = cursor.position();
        if (start > 0 && timed) {
            LineCursor back = new LineCursor(files, Math.max(0, start - LOOK_BACK), start, 64, 16 * 1024);
            while (back.next()) {
                CriRecord r = CriRecord.parse(back.bytes(), 0, back.kept());
                if (r != null) {
                    lines.lastTime = r.millis();
                    lines.lastStream = r.stream();
                    lines.continued[r.stream().ordinal()] = r.partial();
                }
            }
        }
        return lines;
    }

    /** The service's lines in order; {@link #next} gives null at the end. */
    final class Lines {
        private final LineCursor cursor;
        private final Piece[] pending = {new Piece(), new Piece()};
        /** continued[stream]: its first piece ends a line that began before the start: skip that line. */
        private final boolean[] continued = new boolean[2];
        private long lastTime = LogLine.UNKNOWN;
        private OutputKind lastStream;

        private Lines(LineCursor cursor) {
            this.cursor = cursor;
        }

        LogLine next() throws IOException {
            while (cursor.next()) {
                byte[] b = cursor.bytes();
                CriRecord r = timed ? CriRecord.parse(b, 0, cursor.kept()) : null;
                if (r == null) {
                    return new LogLine(lastTime, service, lastStream, text(b, 0, cursor.kept(), cursor.length()));
                }
                lastTime = r.millis();
                lastStream = r.stream();
                Piece p = pending[r.stream().ordinal()];
                p.add(b, r.textFrom(), cursor.kept(), cursor.length() - r.textFrom());
                if (!r.partial() && continued[r.stream().ordinal()]) {
                    continued[r.stream().ordinal()] = false;
                    p.clear();
                } else if (!r.partial()) {
                    LogLine line = new LogLine(r.millis(), service, r.stream(), text(p.bytes, 0, p.kept, p.length));
                    p.clear();
                    return line;
                }
            }
            return null;
        }
    }

    private static String text(byte[] b, int from, int kept, long length) {
        int shown = (int) Math.min(kept - from, MAX_LINE);
        String s = new String(b, from, shown, StandardCharsets.UTF_8);
        return length > shown ? s + " [svd: line truncated, " + length + " bytes]" : s;
    }

    /** The pieces of one stream's line so far (P records). */
    private static final class Piece {
        byte[] bytes = new byte[0];
        int kept;
        long length;

        void add(byte[] b, int from, int to, long wholeLength) {
            int room = Math.max(0, Math.min(to - from, MAX_LINE - kept));
            if (kept + room > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(kept + room, Math.min(MAX_LINE, bytes.length * 2 + 64)));
            }
            System.arraycopy(b, from, bytes, kept, room);
            kept += room;
            length += wholeLength;
        }

        void clear() {
            kept = 0;
            length = 0;
        }
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
