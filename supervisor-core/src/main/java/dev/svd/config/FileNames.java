package dev.svd.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Config text made into file names. The JVM encodes a file name with its file name encoding
 * ({@code sun.jnu.encoding}), which the locale sets: under the POSIX locale (no LANG, LC_CTYPE or
 * LC_ALL, as in most containers) that is ASCII, and a name with any other character cannot be
 * used at all. bin/svd sets {@code LC_CTYPE=C.UTF-8} when no locale is set (docs/packaging.md);
 * what is left (an explicit {@code LANG=C}, an unpaired surrogate from a {@code \\uD800} escape)
 * is a config problem at its key, never an exception.
 */
final class FileNames {
    static final String ENCODING = System.getProperty("sun.jnu.encoding", "UTF-8");

    private FileNames() {
    }

    /** {@code text} as a path, or empty when this system cannot make a file name of it. */
    static Optional<Path> path(String text) {
        try {
            return Optional.of(Path.of(text));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Why {@code text} cannot be a file name here, and what to do. */
    static String unusable(String text) {
        String why = "cannot be a file name: it holds a character that svd's file name encoding (" + ENCODING
                + ") cannot hold";
        if (ENCODING.replace("-", "").equalsIgnoreCase("UTF8")) {
            return why + " (an unpaired surrogate such as \\uD800)";
        }
        return why + "; the locale chooses that encoding: start svd with LC_CTYPE=C.UTF-8 (or LANG=C.UTF-8)";
    }
}
