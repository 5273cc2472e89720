package dev.svd.logs;

import dev.svd.os.OutputKind;

/**
 * One line a service or job wrote, as {@code svctl logs} shows it. Immutable.
 *
 * @param millis  when svd read the line's end (its {@code F} record), milliseconds since the epoch;
 *                {@link #UNKNOWN} for a file without times (log.timestamps = false) and for lines
 *                before a file's first record
 * @param service the service's name, or {@code job-NAME} for a job
 * @param stream  the stream, or null when the file does not say
 * @param text    decoded as UTF-8 (U+FFFD for invalid bytes), cut after {@link ServiceLog#MAX_LINE} bytes
 *                with {@code [svd: line truncated, N bytes]}
 */
public record LogLine(long millis, String service, OutputKind stream, String text) {
    public static final long UNKNOWN = Long.MIN_VALUE;

    public boolean timed() {
        return millis != UNKNOWN;
    }
}
