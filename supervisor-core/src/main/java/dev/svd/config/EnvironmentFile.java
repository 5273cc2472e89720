package dev.svd.config;

import java.nio.file.Path;

/**
 * One entry of a service's {@code environment-file} list: an absolute path, and whether a missing
 * file is skipped (a leading {@code -}, as systemd.exec(5) EnvironmentFile=). Immutable.
 */
public record EnvironmentFile(Path path, boolean optional) {

    /** The entry as written in the config: {@code -/etc/app.env} for an optional file. */
    @Override
    public String toString() {
        return (optional ? "-" : "") + path;
    }
}
