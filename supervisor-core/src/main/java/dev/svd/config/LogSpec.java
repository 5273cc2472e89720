package dev.svd.config;

/**
 * Where a service's output goes: {@code log-dir/NAME.log} rotated at {@code maxSize} bytes keeping
 * {@code keep} old files, the last {@code tailLines} lines in memory, and svd's stdout when
 * {@code console} is true. With {@code timestamps} each line in the file is a record with the time
 * it was read and its stream (the CRI log format, docs/logging.md); without, the file holds the raw
 * bytes. {@code consoleTimestamps} puts that time before the console prefix too.
 */
public record LogSpec(long maxSize, int keep, int tailLines, boolean console, boolean timestamps,
                      boolean consoleTimestamps) {
    public static final LogSpec DEFAULT = new LogSpec(10L * 1024 * 1024, 5, 200, true, true, false);
}
