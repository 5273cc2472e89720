package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Last runs in svd's own line-based format, and the JSON files svd wrote before it (issue 13). */
class LastRunStoreTest {
    @TempDir
    Path state;

    private static final LastRun RUN = new LastRun(Instant.parse("2026-11-25T03:00:10Z"),
            Instant.parse("2026-11-25T03:00:12Z"), true, "exited 0");

    private Path jobs() {
        return state.resolve("jobs");
    }

    @Test
    void aRunIsWrittenInTheDocumentedFormatAndReadBack() throws Exception {
        LastRunStore store = new LastRunStore(state);
        store.write("renew", RUN);
        assertThat(Files.readString(jobs().resolve("renew.last-run"))).isEqualTo("""
                svd-last-run 1
                started 2026-11-25T03:00:10Z
                ended 2026-11-25T03:00:12Z
                ok true
                result exited 0
                """);
        assertThat(store.read("renew")).contains(RUN);
        assertThat(jobs().resolve(".renew.last-run.tmp")).doesNotExist();
    }

    @Test
    void aResultWithLineBreaksAndBackslashesStaysOneLineAndReadsBackTheSame() throws Exception {
        LastRunStore store = new LastRunStore(state);
        LastRun odd = new LastRun(RUN.started(), RUN.ended(), false, "certbot: no\nluck \\n here\r\n");
        store.write("renew", odd);
        assertThat(Files.readAllLines(jobs().resolve("renew.last-run"))).hasSize(5)
                .contains("result certbot: no\\nluck \\\\n here\\r\\n");
        assertThat(store.read("renew")).contains(odd);
    }

    /** Exactly what svd wrote before issue 13 (the control protocol's JsonWriter), as found in existing state dirs. */
    @Test
    void aFileInTheOldJsonFormatIsReadAndReplacedAtTheNextRun() throws Exception {
        Files.createDirectories(jobs());
        Files.writeString(jobs().resolve("certificate-site.json"), "{\"job\":\"certificate-site\","
                + "\"started\":\"2026-11-25T03:00:10Z\",\"ended\":\"2026-11-25T03:00:12Z\",\"ok\":false,"
                + "\"result\":\"certbot said \\\"no\\\"\\n\\u00e9t\\u00e9 \\\\ \\/\"}\n", StandardCharsets.UTF_8);
        LastRunStore store = new LastRunStore(state);
        assertThat(store.read("certificate-site")).contains(new LastRun(RUN.started(), RUN.ended(), false,
                "certbot said \"no\"\n\u00e9t\u00e9 \\ /"));

        store.write("certificate-site", RUN);
        assertThat(jobs().resolve("certificate-site.json")).doesNotExist();
        assertThat(store.read("certificate-site")).contains(RUN);
    }

    /** Both files: an older svd ran after a newer one (a downgrade), or the old file could not be removed. */
    @Test
    void ofBothFilesTheOneWrittenLastHoldsTheLastRun() throws Exception {
        Files.createDirectories(jobs());
        LastRun old = new LastRun(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-01T00:00:01Z"), false, "old");
        Path json = jobs().resolve("renew.json");
        Path lastRun = jobs().resolve("renew.last-run");
        Files.writeString(json, "{\"job\":\"renew\",\"started\":\"2020-01-01T00:00:00Z\","
                + "\"ended\":\"2020-01-01T00:00:01Z\",\"ok\":false,\"result\":\"old\"}");
        Files.writeString(lastRun, LastRunStore.format(RUN));
        LastRunStore store = new LastRunStore(state);

        Files.setLastModifiedTime(json, FileTime.from(Instant.parse("2026-11-25T03:00:00Z")));
        Files.setLastModifiedTime(lastRun, FileTime.from(Instant.parse("2026-11-25T03:00:12Z")));
        assertThat(store.read("renew")).contains(RUN);

        Files.setLastModifiedTime(json, FileTime.from(Instant.parse("2026-11-26T03:00:00Z")));
        assertThat(store.read("renew")).contains(old);

        Files.setLastModifiedTime(lastRun, FileTime.from(Instant.parse("2026-11-26T03:00:00Z")));
        assertThat(store.read("renew")).as("a tie").contains(RUN);
    }

    @Test
    void noFileMeansNeverRun() {
        assertThat(new LastRunStore(state).read("renew")).isEmpty();
    }

    @Test
    void unreadableFilesCountAsNeverRun() throws Exception {
        Files.createDirectories(jobs());
        LastRunStore store = new LastRunStore(state);
        Files.writeString(jobs().resolve("a.last-run"), "svd-last-run 2\nstarted 2026-11-25T03:00:10Z\n");
        Files.writeString(jobs().resolve("b.last-run"), LastRunStore.format(RUN).replace("ok true", "ok yes"));
        Files.writeString(jobs().resolve("c.last-run"), LastRunStore.format(RUN).replace("ended ", "ended x"));
        Files.writeString(jobs().resolve("d.json"), "{\"job\":\"d\",\"started\":\"2026-11-25T03:00:10Z\"");
        Files.writeString(jobs().resolve("e.json"), "[]");
        for (String job : new String[] {"a", "b", "c", "d", "e"}) {
            assertThat(store.read(job)).as(job).isEmpty();
        }
    }

    @Test
    void aLaterVersionsExtraKeysAreIgnored() {
        assertThat(LastRunStore.parse(LastRunStore.format(RUN) + "exit-code 0\n")).isEqualTo(RUN);
    }

    /**
     * Hostile files (truncated, bit-flipped): both parsers answer a run or an IllegalArgumentException or
     * DateTimeException, which {@link LastRunStore#read} turns into "never run"; nothing else escapes.
     */
    @Test
    void damagedFilesFailOnlyWithTheParsersExceptions() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String[] originals = {LastRunStore.format(RUN), "{\"job\":\"j\",\"started\":\"2026-11-25T03:00:10Z\","
                + "\"ended\":\"2026-11-25T03:00:12Z\",\"ok\":true,\"result\":\"exited \\u0030\"}"};
        int read = 0;
        for (int i = 0; i < 5000; i++) {
            String original = originals[i % 2];
            char[] chars = original.substring(0, random.nextInt(original.length() + 1)).toCharArray();
            for (int flips = random.nextInt(3); flips > 0 && chars.length > 0; flips--) {
                chars[random.nextInt(chars.length)] = (char) random.nextInt(128);
            }
            String text = new String(chars);
            try {
                LastRun r = i % 2 == 0 ? LastRunStore.parse(text) : LegacyLastRunFile.parse(text);
                assertThat(r.started()).isNotNull();
                assertThat(r.ended()).isNotNull();
                assertThat(r.result()).isNotNull();
                read++;
            } catch (IllegalArgumentException | DateTimeException expected) {
                // counts as never run
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ", case " + i + ": " + text, e);
            }
        }
        assertThat(read).as("seed %d: some intact files", seed).isPositive();
    }
}
