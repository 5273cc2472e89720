package dev.svd.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.svd.os.OutputKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSearchTest {
    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path dir;

    private static List<LogLine> all(ServiceLog log) throws IOException {
        List<LogLine> lines = new ArrayList<>();
        ServiceLog.Lines it = log.lines(0, log.total());
        for (LogLine l = it.next(); l != null; l = it.next()) {
            lines.add(l);
        }
        return lines;
    }

    private static List<String> shown(List<LogLine> lines) {
        return lines.stream().map(l -> l.millis() + " " + l.stream() + " " + l.text()).collect(Collectors.toList());
    }

    private static List<String> expectedShown(List<CriFiles.Expected> lines) {
        return lines.stream().map(l -> l.millis() + " " + l.stream() + " " + l.text()).collect(Collectors.toList());
    }

    private static List<LogLine> search(List<ServiceLog> logs, LogSearch.Query q) throws Exception {
        List<LogLine> out = new ArrayList<>();
        LogSearch.run(logs, q, out::add);
        return out;
    }

    @Test
    void piecesAcrossRotatedFilesAreJoinedIntoTheProgramsLines() throws IOException {
        for (int round = 0; round < 20; round++) {
            long seed = Long.getLong("logs.seed", System.nanoTime());
            CriFiles files = new CriFiles(new Random(seed), T0).lines(2_000);
            Path d = Files.createDirectories(dir.resolve("r" + round));
            files.write(d, "web.log", 1 + round % 4);
            try (ServiceLog log = ServiceLog.open("web", d, "web.log")) {
                assertThat(log.timed()).isTrue();
                assertThat(shown(all(log))).as("seed %d", seed).isEqualTo(expectedShown(files.expected));
            }
        }
    }

    @Test
    void binarySearchFindsWhatALinearScanFinds() throws IOException {
        long seed = Long.getLong("logs.seed", System.nanoTime());
        Random random = new Random(seed);
        CriFiles files = new CriFiles(random, T0).lines(5_000);
        files.write(dir, "web.log", 3);
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            for (int i = 0; i < 200; i++) {
                long t = T0 - 10 + random.nextInt(6_000);
                long at = log.firstAtOrAfter(t);
                // Every record before the point is earlier than t; the first record from it on is not.
                List<LogLine> before = new ArrayList<>();
                ServiceLog.Lines it = log.lines(0, at);
                for (LogLine l = it.next(); l != null; l = it.next()) {
                    before.add(l);
                }
                assertThat(before).as("seed %d, t %d", seed, t).allMatch(l -> l.millis() < t);
                ServiceLog.Lines after = log.lines(at, log.total());
                LogLine first = after.next();
                if (first != null && first.timed()) {
                    assertThat(first.millis()).as("seed %d, t %d", seed, t).isGreaterThanOrEqualTo(t);
                }
            }
        }
    }

    @Test
    void sinceUntilStreamGrepAndLastNAgreeWithABruteForceFilter() throws Exception {
        long seed = Long.getLong("logs.seed", System.nanoTime());
        Random random = new Random(seed);
        CriFiles web = new CriFiles(random, T0).lines(4_000);
        CriFiles api = new CriFiles(random, T0 + 3).lines(3_000);
        web.write(dir, "web.log", 3);
        api.write(dir, "api.log", 2);
        List<LogLine> everything = new ArrayList<>();
        try (ServiceLog w = ServiceLog.open("web", dir, "web.log"); ServiceLog a = ServiceLog.open("api", dir, "api.log")) {
            everything.addAll(all(w));
            everything.addAll(all(a));
            everything.sort(Comparator.comparingLong(LogLine::millis)
                    .thenComparing(l -> l.service().equals("web") ? 0 : 1));
            for (int i = 0; i < 60; i++) {
                Long since = random.nextBoolean() ? null : T0 + random.nextInt(4_500);
                Long until = random.nextBoolean() ? null : T0 + random.nextInt(4_500);
                OutputKind stream = random.nextInt(3) == 0 ? OutputKind.STDERR : null;
                Pattern grep = random.nextBoolean() ? null : Pattern.compile("[" + (char) ('a' + random.nextInt(26)) + "]q");
                int n = random.nextInt(3) == 0 ? -1 : random.nextInt(300);
                LogSearch.Query q = new LogSearch.Query(since, until, grep, stream, n);
                List<LogLine> want = everything.stream().filter(q::matches).collect(Collectors.toList());
                if (n >= 0 && want.size() > n) {
                    want = want.subList(want.size() - n, want.size());
                }
                String what = "seed " + seed + ", query " + q;
                assertThat(shown(search(List.of(w, a), q))).as(what).isEqualTo(shown(want));
            }
        }
    }

    @Test
    void aLineThatIsNotARecordTakesTheTimeAndStreamOfTheRecordBeforeIt() throws Exception {
        Files.writeString(dir.resolve("web.log"), "before any record\n"
                + CriFiles.record(T0, OutputKind.STDERR, false, "one") + "\n"
                + "[svd: 12 bytes of output lost: No space left on device]\n"
                + CriFiles.record(T0 + 5, OutputKind.STDOUT, false, "two") + "\n");
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            assertThat(shown(all(log))).containsExactly(
                    LogLine.UNKNOWN + " null before any record",
                    T0 + " STDERR one",
                    T0 + " STDERR [svd: 12 bytes of output lost: No space left on device]",
                    (T0 + 5) + " STDOUT two");
            assertThat(shown(search(List.of(log), new LogSearch.Query(T0, null, null, null, -1))))
                    .as("a line without a time is before any --since").hasSize(3);
        }
    }

    @Test
    void aRawFileIsNotTimedAndItsLinesComeAsTheyAre() throws Exception {
        Files.writeString(dir.resolve("web.log"), "plain one\nplain two\n");
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            assertThat(log.timed()).isFalse();
            assertThat(search(List.of(log), new LogSearch.Query(null, null, Pattern.compile("two"), null, 10)))
                    .extracting(LogLine::text).containsExactly("plain two");
        }
    }

    @Test
    void aServiceThatNeverWroteHasNoLines() throws Exception {
        try (ServiceLog log = ServiceLog.open("web", dir.resolve("missing"), "web.log")) {
            assertThat(log.timed()).isTrue();
            assertThat(search(List.of(log), new LogSearch.Query(T0, null, null, null, 10))).isEmpty();
        }
    }

    @Test
    void aLongLineIsCutAndSaysSo() throws Exception {
        String longText = "x".repeat(ServiceLog.MAX_LINE + 100);
        Files.writeString(dir.resolve("web.log"), CriFiles.record(T0, OutputKind.STDOUT, true, longText) + "\n"
                + CriFiles.record(T0, OutputKind.STDOUT, false, "end") + "\n");
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            List<LogLine> lines = all(log);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0).text()).startsWith("xxx")
                    .endsWith(" [svd: line truncated, " + (ServiceLog.MAX_LINE + 103) + " bytes]")
                    .hasSize(ServiceLog.MAX_LINE + " [svd: line truncated, 16487 bytes]".length());
        }
    }

    @Test
    void aPatternThatBacktracksWithoutEndIsStopped() throws Exception {
        Files.writeString(dir.resolve("web.log"),
                CriFiles.record(T0, OutputKind.STDOUT, false, "a".repeat(60) + "!") + "\n");
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            assertThatThrownBy(() -> search(List.of(log),
                    new LogSearch.Query(null, null, Pattern.compile("(.*a){20}"), null, 10)))
                    .isInstanceOf(LogSearch.GrepTooCostly.class)
                    .hasMessageContaining("one line of web");
        }
    }

    @Test
    void lastNAndATimeRangeOfAHugeFileReadOnlyWhatTheyNeed() throws Exception {
        // 20 MB of records in three files; -n 3 and a two-second range must not read them all.
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            b.append(CriFiles.record(T0 + i, OutputKind.STDOUT, false, "line " + i + " " + "y".repeat(60))).append('\n');
        }
        byte[] all = b.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("web.log.2"), java.util.Arrays.copyOfRange(all, 0, 8_000_000));
        Files.write(dir.resolve("web.log.1"), java.util.Arrays.copyOfRange(all, 8_000_000, 16_000_000));
        Files.write(dir.resolve("web.log"), java.util.Arrays.copyOfRange(all, 16_000_000, all.length));
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            assertThat(search(List.of(log), new LogSearch.Query(null, null, null, null, 3)))
                    .extracting(LogLine::text).allMatch(t -> t.startsWith("line 19999"));
            assertThat(log.bytesRead()).as("the end only").isLessThan(1024 * 1024);
        }
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            List<LogLine> range = search(List.of(log), new LogSearch.Query(T0 + 100_000, T0 + 100_001, null, null, -1));
            assertThat(range).extracting(LogLine::text).hasSize(2).first().asString().startsWith("line 100000 ");
            assertThat(log.bytesRead()).as("binary search, then the range").isLessThan(2 * 1024 * 1024);
        }
    }

    @Test
    void aRequestHoldsBoundedBytesAndSaysWhenThatLeftLinesOut() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            b.append(CriFiles.record(T0 + i, OutputKind.STDOUT, false, i + " " + "z".repeat(1000))).append('\n');
        }
        Files.writeString(dir.resolve("web.log"), b);
        try (ServiceLog log = ServiceLog.open("web", dir, "web.log")) {
            List<LogLine> out = new ArrayList<>();
            LogSearch.Outcome o = LogSearch.run(List.of(log), new LogSearch.Query(null, null, null, null, 500), out::add,
                    100 * 1024);
            assertThat(o.truncated()).isTrue();
            assertThat(out.size()).isBetween(1, 60);
            assertThat(out.get(out.size() - 1).text()).startsWith("999 ");
            assertThat(o.lines()).isEqualTo(out.size());
        }
    }
}
