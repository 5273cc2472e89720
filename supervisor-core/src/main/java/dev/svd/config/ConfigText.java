package dev.svd.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The limits every configuration file is read within, checked before Typesafe Config sees the
 * file: only regular files (a FIFO would block the reading thread for good), at most
 * {@link #MAX_TOTAL_BYTES} over the main file and its includes (the parsed form takes about 25
 * bytes of heap per byte of text, and svd's heap is 64 MiB), and at most {@link #MAX_NESTING}
 * levels of {@code {} and {@code [} (Typesafe's parser recurses once per level, and svd's threads
 * have 512 KiB of stack). Issue 12 names each of these: a FIFO include hung {@code --check} and
 * {@code reread}, a 50 MiB file ran out of heap, 100,000 nested brackets overflowed the stack.
 * One instance per load: it counts the bytes of every file read so far. Not thread-safe.
 */
final class ConfigText {
    static final long MAX_TOTAL_BYTES = 1024 * 1024;
    static final int MAX_NESTING = 64;

    private long bytesRead;

    /** Checks {@code file} and answers the problem that keeps it from being parsed, if any. */
    Optional<Problem> check(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.of(new Problem(0, Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? "cannot read it (" + e.getMessage() + ")" : "file not found"));
        }
        if (!attributes.isRegularFile()) {
            return Optional.of(new Problem(0, "not a regular file (" + kind(attributes)
                    + "): svd reads its configuration only from regular files"));
        }
        bytesRead += attributes.size();
        if (bytesRead > MAX_TOTAL_BYTES) {
            return Optional.of(new Problem(0, "the configuration is too large: " + bytesRead + " bytes with its includes"
                    + " so far, at most " + MAX_TOTAL_BYTES + " (1 MiB) are read; split it, or remove what it does not need"));
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Typesafe reports a bad encoding with its own words and the line; let it.
            return Optional.empty();
        }
        return nestingProblem(text);
    }

    /**
     * The first line where {@code {} and {@code [} outside strings and comments nest deeper than
     * allowed; a dotted key ({@code a.b.c = 1}) nests one level per dot.
     */
    static Optional<Problem> nestingProblem(String text) {
        int depth = 0;
        int dots = 0;
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                dots = 0;
                i++;
            } else if (c == '#' || (c == '/' && i + 1 < n && text.charAt(i + 1) == '/')) {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                line += count(text, i, end);
                i = end;
            } else if (c == '"') {
                i++;
                while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '.') {
                if (depth + ++dots > MAX_NESTING) {
                    return Optional.of(new Problem(line, "a key of more than " + MAX_NESTING
                            + " dotted parts; svd reads no deeper"));
                }
                i++;
            } else {
                if (!Character.isLetterOrDigit(c) && c != '-' && c != '_') {
                    dots = 0;
                }
                if (c == '{' || c == '[') {
                    if (++depth > MAX_NESTING) {
                        return Optional.of(new Problem(line, "nested more than " + MAX_NESTING
                                + " levels deep ({ and [); svd reads no deeper"));
                    }
                } else if ((c == '}' || c == ']') && depth > 0) {
                    depth--;
                }
                i++;
            }
        }
        return Optional.empty();
    }

    private static int count(String text, int from, int to) {
        int lines = 0;
        for (int i = from; i < Math.min(to, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        return attributes.isOther() ? "a FIFO, socket or device" : "not a file";
    }

    /** What is wrong, and on which line (0: the file as a whole). */
    record Problem(int line, String message) {
    }
}
