package dev.svd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12, "Files nobody can redirect": svd runs as root and writes into log-dir, state-dir and the
 * socket's directory. A link planted where svd writes is never written through (the file it points
 * to keeps its checksum), a directory another user could change is refused with the path, its owner
 * and mode, log files are 0640 in a 0750 log-dir, a removed log-dir is made again, and a full
 * state-dir never leads to a process svd could not record (no double start after svd is killed).
 */
class FilesNobodyCanRedirectIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A copy of /etc/passwd: what root must never append to, truncate or overwrite. */
    private Path victim;
    private String victimSum;

    @BeforeEach
    void plantVictim() throws Exception {
        victim = dir.resolve("passwd-copy");
        Files.copy(Path.of("/etc/passwd"), victim);
        victimSum = sha256(victim);
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private void assertVictimUnchanged() throws Exception {
        assertThat(sha256(victim)).as("the file a planted link points to is unchanged").isEqualTo(victimSum);
        assertThat(Files.readString(victim)).doesNotContain("svd-secret");
    }

    private Path config(String daemon, String services) throws Exception {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/run/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\"" + (daemon.isEmpty() ? "" : ", " + daemon) + " }\nservices {\n" + services + "}\n");
        return conf;
    }

    /** Records its pid, prints {@code svd-secret N} every 50 ms with N counting up; {@code extra}: more keys. */
    private String counter(String name, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/" + name + ".pid; i=0; "
                + "while :; do i=$((i+1)); echo svd-secret $i; sleep 0.05; done\"], start-seconds = 0s" + extra + " }\n";
    }

    /** Records its pid and stays up, printing nothing. */
    private String quiet(String name, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/" + name + ".pid; "
                + "exec sleep 1000\"], start-seconds = 0s" + extra + " }\n";
    }

    private List<Long> pids(String name) throws IOException {
        Path f = dir.resolve("pids/" + name + ".pid");
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList()
                : List.of();
    }

    private static void stop(SvdProcess svd) throws Exception {
        svd.signal("TERM");
        svd.awaitExit(BOUND);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.readAttributes(p, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).permissions());
    }

    @Test
    void aLinkPlantedAsTheLogFileIsNotWrittenThroughAndSvdSaysWhy() throws Exception {
        Files.createDirectories(dir.resolve("log"));
        Files.setPosixFilePermissions(dir.resolve("log"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(dir.resolve("log/web.log"), victim);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", counter("web", "")).toString())) {
            svd.awaitLog("web: cannot write " + dir.resolve("log/web.log") + " (dev.svd.os.SafePaths$UnsafePathException: "
                    + dir.resolve("log/web.log") + " is a symbolic link; svd does not write through links");
            svd.awaitLog("web | svd-secret 3"); // the service runs on, its output on the console
            stop(svd);
        }
        assertVictimUnchanged();
        assertThat(Files.isSymbolicLink(dir.resolve("log/web.log"))).isTrue();
    }

    @Test
    void aLinkPlantedAsARotatedLogIsMovedAsALinkNeverWrittenThrough() throws Exception {
        Files.createDirectories(dir.resolve("log"));
        Files.setPosixFilePermissions(dir.resolve("log"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(dir.resolve("log/web.log.1"), victim);
        Files.createSymbolicLink(dir.resolve("log/web.log.2"), victim);
        try (SvdProcess svd = SvdProcess.start(dir, "--config",
                config("", counter("web", ", log { max-size = 200, keep = 2 }")).toString())) {
            // Rotated at least three times: both planted names were renamed over, the last one dropped.
            await().atMost(BOUND).until(() -> Files.isRegularFile(dir.resolve("log/web.log.2"), LinkOption.NOFOLLOW_LINKS)
                    && Files.isRegularFile(dir.resolve("log/web.log.1"), LinkOption.NOFOLLOW_LINKS));
            stop(svd);
        }
        assertVictimUnchanged();
    }

    @Test
    void aLinkPlantedAsSvdLockIsRefusedAndItsTargetNotTruncated() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.createSymbolicLink(dir.resolve("state/svd.lock"), victim);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", quiet("web", "")).toString())) {
            assertThat(svd.awaitExit(BOUND)).isEqualTo(69);
            assertThat(svd.stderr()).contains("cannot lock " + dir.resolve("state/svd.lock") + ": "
                    + dir.resolve("state/svd.lock") + " is a symbolic link; svd does not write through links");
        }
        assertVictimUnchanged();
        assertThat(pids("web")).as("nothing started").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"processes", "processes.next"})
    void aLinkPlantedAsTheProcessLedgerIsRefusedAndItsTargetNotOverwritten(String name) throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.createSymbolicLink(dir.resolve("state/" + name), victim);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", quiet("web", "")).toString())) {
            assertThat(svd.awaitExit(BOUND)).isEqualTo(69);
            assertThat(svd.stderr()).contains(dir.resolve("state/" + name)
                    + " is a symbolic link; svd does not write through links (remove it; svd creates the file)");
        }
        assertVictimUnchanged();
        assertThat(pids("web")).as("nothing started").isEmpty();
    }

    @Test
    void aLogDirWritableByOthersIsRefusedAtStartAndByCheck() throws Exception {
        Path log = Files.createDirectories(dir.resolve("log"));
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path conf = config("", quiet("web", ""));
        String expected = "svd.log-dir " + log + " is writable by other users (owner uid 0, mode 0777): they could"
                + " plant links there that make svd overwrite other files; make it owned by root and writable by"
                + " nobody else (chown 0 " + log + "; chmod go-w " + log + ")";
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            assertThat(svd.awaitExit(BOUND)).isEqualTo(69);
            assertThat(svd.stderr()).contains("svd: " + expected);
        }
        assertThat(pids("web")).as("nothing started").isEmpty();
        try (SvdProcess check = SvdProcess.start(dir.resolve("check"), "--check", conf.toString())) {
            assertThat(check.awaitExit(BOUND)).isEqualTo(69);
            assertThat(check.stderr()).contains("svd: " + expected);
        }
    }

    @Test
    void aStateDirOfAnotherUserIsRefused() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setAttribute(state, "unix:uid", 65534);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", quiet("web", "")).toString())) {
            assertThat(svd.awaitExit(BOUND)).isEqualTo(69);
            assertThat(svd.stderr()).contains("svd: svd.state-dir " + state + " belongs to another user (owner uid 65534,"
                    + " mode 0755)");
        }
        assertThat(pids("web")).as("nothing started").isEmpty();
    }

    @Test
    void aLogDirInsideADirectoryOthersCanWriteIsRefused() throws Exception {
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/run/svd.sock\", log-dir = \"" + open + "/log\", state-dir = \""
                + dir + "/state\" }\nservices {\n" + quiet("web", "") + "}\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            assertThat(svd.awaitExit(BOUND)).isEqualTo(69);
            assertThat(svd.stderr()).contains("svd: svd.log-dir " + open + "/log is inside " + open
                    + ", which is writable by other users (owner uid 0, mode 0777)");
        }
        assertThat(Files.exists(open.resolve("log"))).as("nothing made in it").isFalse();
    }

    @Test
    void aWorldWritableSocketDirectoryIsRefused() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.setAttribute(run, "unix:mode", 01777); // sticky, like /tmp: still refused for the socket
        try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", quiet("web", "")).toString())) {
            assertThat(svd.awaitExit(BOUND)).isEqualTo(69);
            assertThat(svd.stderr()).contains("svd: the control socket's directory " + run
                    + " is writable by other users (owner uid 0, mode 1777)");
        }
        assertThat(pids("web")).as("nothing started").isEmpty();
    }

    @Test
    void logFilesAre0640AndTheLogDir0750InTheReadOnlyGroup() throws Exception {
        try (SvdProcess svd = SvdProcess.start(dir, "--config",
                config("", counter("web", "")).toString())) {
            await().atMost(BOUND).until(() -> Files.exists(dir.resolve("log/web.log")));
            assertThat(mode(dir.resolve("log"))).isEqualTo("rwxr-x---");
            assertThat(mode(dir.resolve("log/web.log"))).isEqualTo("rw-r-----");
            stop(svd);
        }
        deleteTree(dir.resolve("log"));
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, Files.readString(conf) + "control { read-only-group = adm }\n");
        try (SvdProcess svd = SvdProcess.start(dir.resolve("second"), "--config", conf.toString())) {
            // The group is set just after the file is made.
            await().atMost(BOUND).until(() -> Files.exists(dir.resolve("log/web.log"))
                    && Files.readAttributes(dir.resolve("log/web.log"), PosixFileAttributes.class).group().getName().equals("adm"));
            assertThat(mode(dir.resolve("log"))).isEqualTo("rwxr-x---");
            assertThat(Files.readAttributes(dir.resolve("log"), PosixFileAttributes.class).group().getName()).isEqualTo("adm");
            assertThat(mode(dir.resolve("log/web.log"))).isEqualTo("rw-r-----");
            stop(svd);
        }
    }

    @Test
    void aRemovedLogDirIsMadeAgainAndEveryLineAfterwardsIsWritten() throws Exception {
        removedLogDirIsMadeAgain("");
    }

    /** The same with zero copy (docs/logging.md): the file's splice(2) descriptor is opened anew with it. */
    @Test
    void aRemovedLogDirIsMadeAgainAlsoWhenOutputIsSpliced() throws Exception {
        removedLogDirIsMadeAgain(", log { console = false, timestamps = false }");
    }

    private void removedLogDirIsMadeAgain(String extra) throws Exception {
        Path log = dir.resolve("log");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", counter("web", extra)).toString())) {
            await().atMost(BOUND).until(() -> Files.exists(log.resolve("web.log")) && Files.readString(log.resolve("web.log"))
                    .contains("svd-secret 3\n"));
            // Moved away first, then deleted: svd may open web.log again at any moment, and must not
            // find a half-deleted directory.
            Path gone = dir.resolve("log.removed");
            Files.move(log, gone);
            deleteTree(gone);
            await().atMost(BOUND).until(() -> Files.exists(log.resolve("web.log")) && lines(log.resolve("web.log")).size() > 20);
            svd.awaitLog("was removed; opening it again");
            assertThat(mode(log)).isEqualTo("rwxr-x---");
            assertThat(mode(log.resolve("web.log"))).isEqualTo("rw-r-----");
            // Every line from the first one in the new file on, none missing.
            List<Integer> numbers = lines(log.resolve("web.log"));
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).as("line after %s in %s", numbers.get(i - 1), numbers).isEqualTo(numbers.get(i - 1) + 1);
            }
            stop(svd);
        }
    }

    private static List<Integer> lines(Path file) throws IOException {
        Pattern p = Pattern.compile("svd-secret ([0-9]+)");
        // find, not matches: each line is a record (time, stream, F) before the text (log.timestamps)
        return Files.readAllLines(file).stream().map(p::matcher).filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1))).toList();
    }

    private static void deleteTree(Path p) throws IOException {
        try (var files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** Mounts a small tmpfs as the state dir; skipped where mounting is not allowed. */
    private Path smallStateDir() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", state.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        assumeThat(mount.waitFor()).as("mount -t tmpfs (needs root and CAP_SYS_ADMIN): " + out).isZero();
        return state;
    }

    private static void unmount(Path state) throws Exception {
        new ProcessBuilder("umount", "-l", state.toString()).inheritIO().start().waitFor();
    }

    /** Writes zeros into {@code state/filler} until the file system is full. */
    private static void fill(Path state) throws IOException {
        try (FileChannel ch = FileChannel.open(state.resolve("filler"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer zeros = ByteBuffer.allocate(4096);
            while (true) {
                zeros.clear();
                ch.write(zeros);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /**
     * The double start of the issue: with state-dir full, a restarted process was not recorded, svd
     * was killed, and the next svd started a second copy next to the unrecorded one. Now the ledger
     * has its room before each spawn: the restart is recorded on a full disk, and the next svd stops
     * it before it starts the service again.
     */
    @Test
    void withStateDirFullARestartIsStillRecordedAndAKilledSvdLeadsToNoDoubleStart() throws Exception {
        Path state = smallStateDir();
        try {
            String web = "  web { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/web.pid; "
                    + "while [ ! -f " + dir + "/exit-web ]; do sleep 0.05; done; rm -f " + dir + "/exit-web; exit 1\"],"
                    + " start-seconds = 0s, restart = always }\n";
            Path conf = config("", web);
            SvdProcess first = SvdProcess.start(dir, "--config", conf.toString());
            try {
                await().atMost(BOUND).until(() -> pids("web").size() == 1);
                awaitRecorded(state, pids("web").get(0));
                fill(state);
                Files.writeString(dir.resolve("exit-web"), "");
                await().atMost(BOUND).until(() -> pids("web").size() == 2);
                long second = pids("web").get(1);
                awaitRecorded(state, second);
                first.process.destroyForcibly().waitFor();
                assertThat(SvdProcess.alive(second)).as("the restarted web outlives the killed svd").isTrue();

                try (SvdProcess next = SvdProcess.start(dir.resolve("next"), "--config", conf.toString())) {
                    await().atMost(BOUND).until(() -> pids("web").size() == 3);
                    await().atMost(BOUND).until(() -> !SvdProcess.alive(second));
                    assertThat(next.stdout()).contains("web: process group " + second + " was left by an earlier svd; stopping it");
                    assertThat(pids("web").stream().filter(SvdProcess::alive).toList()).as("one web, not two")
                            .containsExactly(pids("web").get(2));
                    stop(next);
                }
            } finally {
                first.close();
                for (long pid : pids("web")) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } finally {
            unmount(state);
        }
    }

    /**
     * Where the ledger cannot be written at all, nothing is started until it can; the service waits in
     * backoff, is tried again, and starts by itself once there is room.
     */
    @Test
    void withStateDirFullFromTheStartNothingIsStartedUntilTheLedgerCanBeWritten() throws Exception {
        Path state = smallStateDir();
        try {
            // svd.lock keeps its page: svd truncates and rewrites it in place.
            Files.writeString(state.resolve("svd.lock"), "0123456789\n");
            fill(state);
            try (SvdProcess svd = SvdProcess.start(dir, "--config", config("", quiet("web", "")).toString())) {
                svd.awaitLog("cannot record the process in " + state.resolve("processes")
                        + " (java.io.IOException: No space left on device), so it is not started: were svd to die,"
                        + " the next svd would not know it runs and would start it a second time; free space in"
                        + " svd.state-dir " + state);
                assertThat(pids("web")).as("never started while it could not be recorded").isEmpty();
                assertThat(svctl("status", "web")).contains("cannot record the process").doesNotContain("failed");
                Files.delete(state.resolve("filler"));
                // a temporary failure: svd tries again by itself once the ledger can be written
                await().atMost(BOUND).until(() -> pids("web").size() == 1);
                awaitRecorded(state, pids("web").get(0));
                stop(svd);
            } finally {
                for (long pid : pids("web")) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } finally {
            unmount(state);
        }
    }

    /** Runs svctl against the test's svd; answers its stdout and stderr. */
    private String svctl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.svd.cli.Svctl", "--socket",
                dir.resolve("run/svd.sock").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("svctl ended").isTrue();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitRecorded(Path state, long pid) {
        Path ledger = state.resolve("processes");
        await().atMost(BOUND).until(() -> Files.exists(ledger) && Files.readString(ledger).contains("\t" + pid + "\t"));
    }
}
