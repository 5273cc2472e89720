package dev.svd.schedule;

import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonSyntaxException;
import dev.svd.protocol.JsonTypeException;
import dev.svd.protocol.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import dev.svd.os.SafePaths;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each job's last run in {@code state-dir/jobs/NAME.json}, such as
 * {@code {"job":"renew","started":"2026-11-25T03:00:10Z","ended":"2026-11-25T03:00:12Z","ok":true,"result":"exited 0"}},
 * written whole to a temporary file and renamed, so a crash leaves the old record or the new one.
 * Stateless; any thread (one job's runs never overlap, so one writer per file).
 */
final class LastRunStore {
    private static final Logger log = LoggerFactory.getLogger(LastRunStore.class);

    private final Path dir;

    LastRunStore(Path stateDir) {
        this.dir = stateDir.resolve("jobs");
    }

    Path file(String job) {
        return dir.resolve(job + ".json");
    }

    /** The recorded last run; empty when there is none or it cannot be read (logged: the job then counts as never run). */
    Optional<LastRun> read(String job) {
        Path file = file(job);
        try {
            JsonObject o = (JsonObject) JsonParser.parse(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(new LastRun(Instant.parse(o.requireString("started")), Instant.parse(o.requireString("ended")),
                    o.boolOr("ok", false), o.requireString("result")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | JsonSyntaxException | ClassCastException | DateTimeException
                 | JsonTypeException e) {
            log.warn("job {}: cannot read its last run from {} ({}); it counts as never run", job, file, e.toString());
            return Optional.empty();
        }
    }

    /** Records {@code run}; a failure is logged, not thrown: the run itself happened. */
    void write(String job, LastRun run) {
        Path file = file(job);
        String json = JsonWriter.write(JsonObject.builder().put("job", job).put("started", run.started().toString())
                .put("ended", run.ended().toString()).put("ok", run.ok()).put("result", run.result()).build()) + "\n";
        try {
            if (!Files.isDirectory(dir)) {
                SafePaths.ensureDirectory(dir, "svd.state-dir's jobs directory", SafePaths.DIRECTORY, null);
            }
            Path tmp = dir.resolve("." + job + ".json.tmp");
            Files.deleteIfExists(tmp); // left by a crash; a link there is removed, not followed
            // O_CREAT|O_EXCL|O_NOFOLLOW: a name made in between is refused, never written through (issue 12).
            try (FileChannel ch = SafePaths.open(tmp, SafePaths.FILE, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.error("job {}: cannot record its last run in {}: {}", job, file, e.toString());
        }
    }
}
