package dev.svd.config;

/**
 * Where a service's output goes: {@code log-dir/NAME.log} rotated at {@code maxSize} bytes keeping
 * {@code keep} old files, the last {@code tailLines} lines in memory, and svd's stdout when
 * {@code console} is true.
 */
public record LogSpec(long maxSize, int keep, int tailLines, boolean console) {
    public static final LogSpec DEFAULT = new LogSpec(10L * 1024 * 1024, 5, 200, true);
}
