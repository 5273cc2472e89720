package dev.svd.config;

/** Where a value came from: a config file and line, so every message can name the place. */
public record Origin(String file, int line) {
    public static final Origin UNKNOWN = new Origin("<unknown>", 0);

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
