package dev.svd.logs;

import dev.svd.os.OutputKind;

/**
 * One record of a log file written with {@code log.timestamps = true}: the Kubernetes CRI log format
 * (docs/logging.md, "Records"), {@code 2026-12-07T18:56:04.123Z stdout F the line's bytes}. svd writes
 * exactly three fraction digits and {@code Z}; the parser also takes 0 to 9 digits and an offset such as
 * {@code +01:00}, as other CRI writers produce. Immutable; {@link #parse} is pure and allocates only the
 * result.
 *
 * @param millis    the time the chunk was read, milliseconds since the epoch
 * @param stream    the stream the bytes came from
 * @param partial   {@code P}: the program's line goes on in the stream's next record
 * @param textFrom  where the program's bytes start in the parsed array
 */
public record CriRecord(long millis, OutputKind stream, boolean partial, int textFrom) {

    /** The time {@code epochMillis} as a record's head writes it ({@code 2026-12-07T18:56:04.123Z}). */
    public static String time(long epochMillis) {
        return RecordPrefix.format(epochMillis);
    }

    /** The record in {@code line[from, to)} (without its newline), or null when it is not one. */
    public static CriRecord parse(byte[] line, int from, int to) {
        // YYYY-MM-DDTHH:MM:SS
        if (to - from < 20 + 1 + 6 + 1 + 1) {
            return null;
        }
        int p = from;
        int year = digits(line, p, 4);
        int month = digits(line, p + 5, 2);
        int day = digits(line, p + 8, 2);
        int hour = digits(line, p + 11, 2);
        int minute = digits(line, p + 14, 2);
        int second = digits(line, p + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 60 || line[p + 4] != '-' || line[p + 7] != '-'
                || line[p + 10] != 'T' || line[p + 13] != ':' || line[p + 16] != ':') {
            return null;
        }
        p += 19;
        int millis = 0;
        if (line[p] == '.') {
            p++;
            int start = p;
            while (p < to && p - start < 9 && isDigit(line[p])) {
                if (p - start < 3) {
                    millis = millis * 10 + (line[p] - '0');
                }
                p++;
            }
            if (p == start) {
                return null;
            }
            for (int i = p - start; i < 3; i++) {
                millis *= 10;
            }
        }
        if (p >= to) {
            return null;
        }
        int offsetMinutes;
        if (line[p] == 'Z') {
            offsetMinutes = 0;
            p++;
        } else if ((line[p] == '+' || line[p] == '-') && p + 6 <= to && line[p + 3] == ':') {
            int oh = digits(line, p + 1, 2);
            int om = digits(line, p + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) {
                return null;
            }
            offsetMinutes = (oh * 60 + om) * (line[p] == '-' ? -1 : 1);
            p += 6;
        } else {
            return null;
        }
        // " stdout F" / " stderr P", then " bytes" or nothing (an empty line).
        if (p + 9 > to || line[p] != ' ' || line[p + 1] != 's' || line[p + 2] != 't' || line[p + 3] != 'd'
                || line[p + 7] != ' ') {
            return null;
        }
        OutputKind stream;
        if (line[p + 4] == 'o' && line[p + 5] == 'u' && line[p + 6] == 't') {
            stream = OutputKind.STDOUT;
        } else if (line[p + 4] == 'e' && line[p + 5] == 'r' && line[p + 6] == 'r') {
            stream = OutputKind.STDERR;
        } else {
            return null;
        }
        byte tag = line[p + 8];
        if (tag != 'F' && tag != 'P') {
            return null;
        }
        p += 9;
        if (p < to) {
            if (line[p] != ' ') {
                return null;
            }
            p++;
        }
        long days = daysFromCivil(year, month, day);
        long epochSeconds = days * 86_400 + hour * 3600L + minute * 60L + Math.min(second, 59) - offsetMinutes * 60L;
        return new CriRecord(epochSeconds * 1000 + millis, stream, tag == 'P', p);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** The decimal number in {@code line[at, at + n)}, or -1 when one of them is not a digit. */
    private static int digits(byte[] line, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            if (!isDigit(line[i])) {
                return -1;
            }
            v = v * 10 + (line[i] - '0');
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the well-known civil-from-days inverse). */
    static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
