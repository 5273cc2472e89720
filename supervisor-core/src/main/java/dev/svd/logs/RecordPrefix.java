package dev.svd.logs;

import dev.svd.os.OutputKind;

/**
 * The head of a record in a log file with timestamps (docs/logging.md, "Records"): the time the chunk
 * was read (UTC, RFC 3339 with exactly three fraction digits and {@code Z}), the stream, {@code F} or
 * {@code P}, each followed by one space, such as {@code 2026-12-07T18:56:04.123Z stdout F }. It is the
 * Kubernetes CRI log format, so log shippers' {@code cri} parsers read svd's files. The format is a
 * contract: {@code svctl logs} and people's tools parse it.
 *
 * <p>Formatted once per chunk into one reused array, without allocating; within the same second
 * only the three millisecond digits change. One thread at a time (the pump thread).
 */
final class RecordPrefix {
    /** {@code 2026-12-07T18:56:04.123Z}. */
    static final int TIME_BYTES = 24;
    /** Time, space, stdout or stderr, space, F or P, space. */
    static final int BYTES = TIME_BYTES + 1 + 6 + 1 + 1 + 1;
    /** Where F or P is. */
    static final int KIND_AT = BYTES - 2;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final byte[] bytes = new byte[BYTES];
    private long second = Long.MIN_VALUE;
    private OutputKind stream;

    RecordPrefix() {
        bytes[TIME_BYTES] = ' ';
        bytes[TIME_BYTES + 7] = ' ';
        bytes[KIND_AT] = 'F';
        bytes[BYTES - 1] = ' ';
    }

    /** The prefix for a chunk of {@code stream} read at {@code epochMillis}; F until {@link #partial}. The array is reused. */
    byte[] at(long epochMillis, OutputKind stream) {
        setTime(bytes, epochMillis);
        if (stream != this.stream) {
            byte[] name = stream == OutputKind.STDOUT ? STDOUT : STDERR;
            System.arraycopy(name, 0, bytes, TIME_BYTES + 1, 6);
            this.stream = stream;
        }
        return bytes;
    }

    private static final byte[] STDOUT = {'s', 't', 'd', 'o', 'u', 't'};
    private static final byte[] STDERR = {'s', 't', 'd', 'e', 'r', 'r'};

    /** Writes the 24 bytes of the time into {@code out} from 0. */
    private void setTime(byte[] out, long epochMillis) {
        long sec = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        if (sec != second) {
            second = sec;
            writeSecond(out, sec);
        }
        out[20] = (byte) ('0' + millis / 100);
        out[21] = (byte) ('0' + millis / 10 % 10);
        out[22] = (byte) ('0' + millis % 10);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.} and the {@code Z}, for years 0000..9999 (civil from days, proleptic Gregorian). */
    private static void writeSecond(byte[] out, long epochSecond) {
        long days = Math.floorDiv(epochSecond * 1000L, MILLIS_PER_DAY);
        int secOfDay = (int) (epochSecond - days * 86_400L);
        // Days since 1970-01-01 to year, month, day (H. Hinnant's civil_from_days).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        year = Math.max(0, Math.min(9999, year));
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secOfDay % 60, 2);
        out[19] = '.';
        out[23] = 'Z';
    }

    private static void digits(byte[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The time of {@code epochMillis} as a record shows it, for text (the tail, followers): allocates. */
    static String format(long epochMillis) {
        RecordPrefix p = new RecordPrefix();
        byte[] b = p.at(epochMillis, OutputKind.STDOUT);
        return new String(b, 0, TIME_BYTES, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
