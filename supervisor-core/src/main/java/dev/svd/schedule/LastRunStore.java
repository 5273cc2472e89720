package dev.svd.schedule;

import dev.svd.os.SafePaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each job's last run in {@code state-dir/jobs/NAME.last-run}, svd's own line-based format
 * (jobs.md, "Last runs"; not the control protocol's JSON, so either can change alone):
 * <pre>
 * svd-last-run 1
 * started 2026-11-25T03:00:10Z
 * ended 2026-11-25T03:00:12Z
 * ok true
 * result exited 0
 * </pre>
 * One {@code key value} per line, the value being the rest of the line; in {@code result} a backslash,
 * a newline and a carriage return are written {@code \\}, {@code \n}, {@code \r}. The first line names
 * the format and its version; unknown keys are ignored, so a later version may add some. Written whole
 * to a temporary file and renamed, so a crash leaves the old record or the new one. A job without such
 * a file (or whose {@code NAME.json} was written later) is read from {@code NAME.json}, the format svd
 * wrote before ({@link LegacyLastRunFile}), which is removed once the new file is written. Stateless;
 * the job thread only.
 */
final class LastRunStore {
    private static final Logger log = LoggerFactory.getLogger(LastRunStore.class);
    /** The first line of every file: this format, version 1. */
    static final String HEADER = "svd-last-run 1";

    private final Path dir;

    LastRunStore(Path stateDir) {
        this.dir = stateDir.resolve("jobs");
    }

    Path file(String job) {
        return dir.resolve(job + ".last-run");
    }

    /** The file svd wrote before version 1 of this format. */
    Path legacyFile(String job) {
        return dir.resolve(job + ".json");
    }

    /**
     * The recorded last run; empty when there is none or it cannot be read (logged: the job then counts
     * as never run). When both files exist (an older svd ran in between, or the old one could not be
     * removed), the one written last holds the last run; on a tie, the new one.
     */
    Optional<LastRun> read(String job) {
        Path file = file(job);
        try {
            if (writtenLater(legacyFile(job), file)) {
                return readLegacy(job);
            }
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return readLegacy(job);
        } catch (IOException | IllegalArgumentException | DateTimeException e) {
            log.warn("job {}: cannot read its last run from {} ({}); it counts as never run", job, file, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean writtenLater(Path a, Path b) throws IOException {
        try {
            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b)) > 0;
        } catch (NoSuchFileException e) {
            return Files.exists(a) && !Files.exists(b);
        }
    }

    private Optional<LastRun> readLegacy(String job) {
        Path file = legacyFile(job);
        try {
            return Optional.of(LegacyLastRunFile.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | DateTimeException e) {
            log.warn("job {}: cannot read its last run from {} ({}); it counts as never run", job, file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Records {@code run} (and removes the job's file in the old format); a failure is logged, not thrown: the run itself happened. */
    void write(String job, LastRun run) {
        Path file = file(job);
        try {
            if (!Files.isDirectory(dir)) {
                SafePaths.ensureDirectory(dir, "svd.state-dir's jobs directory", SafePaths.DIRECTORY, null);
            }
            Path tmp = dir.resolve("." + job + ".last-run.tmp");
            Files.deleteIfExists(tmp); // left by a crash; a link there is removed, not followed
            // O_CREAT|O_EXCL|O_NOFOLLOW: a name made in between is refused, never written through (issue 12).
            try (FileChannel ch = SafePaths.open(tmp, SafePaths.FILE, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(format(run).getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(legacyFile(job));
        } catch (IOException e) {
            log.error("job {}: cannot record its last run in {}: {}", job, file, e.toString());
        }
    }

    static String format(LastRun run) {
        return HEADER + "\n"
                + "started " + run.started() + "\n"
                + "ended " + run.ended() + "\n"
                + "ok " + run.ok() + "\n"
                + "result " + escape(run.result()) + "\n";
    }

    /** @throws IllegalArgumentException naming the line, for a text that is not this format */
    static LastRun parse(String text) {
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("line 1: expected \"" + HEADER + "\"");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty() && i == lines.length - 1) {
                break;
            }
            int space = lines[i].indexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected a key, a space and a value");
            }
            values.putIfAbsent(lines[i].substring(0, space), lines[i].substring(space + 1));
        }
        String ok = required(values, "ok");
        if (!ok.equals("true") && !ok.equals("false")) {
            throw new IllegalArgumentException("ok: expected true or false (was " + ok + ")");
        }
        return new LastRun(instant(values, "started"), instant(values, "ended"), ok.equals("true"),
                unescape(required(values, "result")));
    }

    private static Instant instant(Map<String, String> values, String key) {
        try {
            return Instant.parse(required(values, key));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + ": expected an instant such as 2026-11-25T03:00:10Z (was "
                    + values.get(key) + ")", e);
        }
    }

    private static String required(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + ": missing");
        }
        return v;
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                out.append(e == 'n' ? '\n' : e == 'r' ? '\r' : e);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
