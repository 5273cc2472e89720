package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The EnvironmentFile= syntax of systemd.exec(5), as docs/configuration.md states it, one case per row. */
class EnvironmentFilesTest {
    private static final Path FILE = Path.of("/etc/app.env");

    @TempDir
    Path dir;

    private static Map<String, String> parse(String text, List<EnvironmentFiles.Problem> problems) {
        Map<String, String> env = new LinkedHashMap<>();
        EnvironmentFiles.parse(FILE, text.getBytes(StandardCharsets.UTF_8), env, problems);
        return env;
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("plain", "A=b\n", Map.of("A", "b")),
                Arguments.of("no final newline", "A=b", Map.of("A", "b")),
                Arguments.of("empty value", "A=\n", Map.of("A", "")),
                Arguments.of("empty value at the end", "A=", Map.of("A", "")),
                Arguments.of("empty quotes", "A=''\nB=\"\"\n", Map.of("A", "", "B", "")),
                Arguments.of("whitespace around = and the line", "  A \t=  b c  \t\n", Map.of("A", "b c")),
                Arguments.of("# and ; comment lines", "# x=1\n; y=2\n  # z=3\nA=b\n", Map.of("A", "b")),
                Arguments.of("blank lines", "\n\n  \nA=b\n\n", Map.of("A", "b")),
                Arguments.of("a line without = is ignored", "hello\nA=b\n", Map.of("A", "b")),
                Arguments.of("a trailing # is part of the value", "A=b # not a comment\n", Map.of("A", "b # not a comment")),
                Arguments.of("# inside single quotes", "A='x # y'\n", Map.of("A", "x # y")),
                Arguments.of("# inside double quotes", "A=\"x # y\"\n", Map.of("A", "x # y")),
                Arguments.of("single quotes keep backslashes", "A='a\\nb\\\\'\n", Map.of("A", "a\\nb\\\\")),
                Arguments.of("single quotes span lines", "A='one\ntwo'\nB=c\n", Map.of("A", "one\ntwo", "B", "c")),
                Arguments.of("double quotes unescape \\\" \\\\ \\` \\$", "A=\"q\\\" b\\\\ t\\` d\\$\"\n", Map.of("A", "q\" b\\ t` d$")),
                Arguments.of("double quotes keep other escapes", "A=\"a\\nb\"\n", Map.of("A", "a\\nb")),
                Arguments.of("double-quoted continuation", "A=\"one \\\ntwo\"\n", Map.of("A", "one two")),
                Arguments.of("unquoted continuation", "A=one \\\n two\nB=c\n", Map.of("A", "one  two", "B", "c")),
                Arguments.of("unquoted escapes", "A=a\\ \\\\b\\x\n", Map.of("A", "a \\bx")),
                Arguments.of("escaped trailing space is kept", "A=b\\ \n", Map.of("A", "b ")),
                Arguments.of("quotes inside an unquoted value stay", "A=it's \"x\"\n", Map.of("A", "it's \"x\"")),
                Arguments.of("quoted parts join", "A='a'\"b\"c\n", Map.of("A", "abc")),
                Arguments.of("whitespace in quotes is kept", "A=\"  b  \"  \n", Map.of("A", "  b  ")),
                Arguments.of("a comment ending in \\ does not continue", "# x \\\nA=b\n", Map.of("A", "b")),
                Arguments.of("CRLF line ends", "A=b\r\nC=d\r\n", Map.of("A", "b", "C", "d")),
                Arguments.of("later lines win", "A=1\nA=2\n", Map.of("A", "2")),
                Arguments.of("= in the value", "URL=a=b=c\n", Map.of("URL", "a=b=c")),
                Arguments.of("lower case and underscore names", "_x1=y\n", Map.of("_x1", "y")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesAsSystemdDoes(String name, String text, Map<String, String> expected) {
        List<EnvironmentFiles.Problem> problems = new ArrayList<>();
        assertThat(parse(text, problems)).as(text).isEqualTo(expected);
        assertThat(problems).isEmpty();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("export prefix", "A=1\nexport B=2\n",
                        "/etc/app.env:2: \"export B\": remove \"export\": the file is not a shell script (systemd would ignore this line)"),
                Arguments.of("name with a dash", "\n\nMY-VAR=1\n",
                        "/etc/app.env:3: \"MY-VAR\" is not a variable name (letters, digits and _, not starting with a digit; systemd would ignore this line)"),
                Arguments.of("name with a leading digit", "1A=1\n",
                        "/etc/app.env:1: \"1A\" is not a variable name (letters, digits and _, not starting with a digit; systemd would ignore this line)"),
                Arguments.of("empty name", "=1\n",
                        "/etc/app.env:1: \"\" is not a variable name (letters, digits and _, not starting with a digit; systemd would ignore this line)"),
                Arguments.of("unclosed single quote", "A=1\nB='open\nC=2\n",
                        "/etc/app.env:2: the quote opened here is never closed (for B)"),
                Arguments.of("unclosed double quote", "B=\"open",
                        "/etc/app.env:1: the quote opened here is never closed (for B)"),
                Arguments.of("NUL", "A=1\nB=x\0y\n",
                        "/etc/app.env:2: contains a NUL character, which no environment variable can hold"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void namesTheLineOfABadAssignment(String name, String text, String problem) {
        List<EnvironmentFiles.Problem> problems = new ArrayList<>();
        parse(text, problems);
        assertThat(problems).extracting(Object::toString).containsExactly(problem);
    }

    @Test
    void reportsEveryBadLineNotOnlyTheFirst() {
        List<EnvironmentFiles.Problem> problems = new ArrayList<>();
        Map<String, String> env = parse("a-b=1\nOK=2\nexport C=3\n", problems);
        assertThat(problems).extracting(EnvironmentFiles.Problem::line).containsExactly(1, 3);
        assertThat(env).containsExactly(Map.entry("OK", "2"));
    }

    @Test
    void invalidUtf8NamesTheLine() {
        List<EnvironmentFiles.Problem> problems = new ArrayList<>();
        byte[] bytes = {'A', '=', '1', '\n', 'B', '=', (byte) 0xC3, '(', '\n'};
        EnvironmentFiles.parse(FILE, bytes, new LinkedHashMap<>(), problems);
        assertThat(problems).extracting(Object::toString).containsExactly("/etc/app.env:2: not valid UTF-8 (byte 7)");
    }

    @Test
    void laterFilesOverrideEarlierOnesAndFilesOverrideTheEnvironmentBlock() throws Exception {
        Path first = Files.writeString(dir.resolve("first.env"), "A=first\nB=first\n");
        Path second = Files.writeString(dir.resolve("second.env"), "B=second\n");
        ServiceSpec spec = ServiceSpec.of("web", List.of("nginx")).with(b -> {
            b.environment = Map.of("A", "block", "C", "block");
            b.environmentFile = List.of(new EnvironmentFile(first, false), new EnvironmentFile(second, false));
        });
        assertThat(EnvironmentFiles.environment(spec)).isEqualTo(Map.of("A", "first", "B", "second", "C", "block"));
    }

    @Test
    void aMissingOptionalFileIsSkipped() throws Exception {
        assertThat(EnvironmentFiles.read(List.of(new EnvironmentFile(dir.resolve("absent.env"), true)))).isEmpty();
    }

    @Test
    void aMissingRequiredFileIsAProblem() {
        Path absent = dir.resolve("absent.env");
        assertThat(problemsOf(new EnvironmentFile(absent, false))).containsExactly(absent
                + ": no such file (create it, or write \"-" + absent + "\" if it may be missing)");
    }

    @Test
    void aDirectoryIsRefused() {
        assertThat(problemsOf(new EnvironmentFile(dir, true)))
                .containsExactly(dir + ": not a regular file (a directory); svd reads only regular files");
    }

    @Test
    void aDeviceIsRefusedWithoutReadingIt() {
        // /dev/zero would never end if it were read; a FIFO (which would block) is in EnvironmentFileIT
        Path zero = Path.of("/dev/zero");
        assertThat(problemsOf(new EnvironmentFile(zero, false)))
                .containsExactly("/dev/zero: not a regular file (a FIFO, socket or device); svd reads only regular files");
    }

    @Test
    void aHugeFileIsRefusedUnread() throws IOException {
        Path huge = dir.resolve("huge.env");
        try (var out = Files.newOutputStream(huge)) {
            byte[] line = "A=0123456789012345678901234567890123456789012345678901234567890\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i <= EnvironmentFiles.MAX_BYTES / line.length; i++) {
                out.write(line);
            }
        }
        assertThat(problemsOf(new EnvironmentFile(huge, false))).singleElement().asString()
                .isEqualTo(huge + ": too large (" + Files.size(huge) + " bytes; at most 1048576)");
    }

    @Test
    void theExceptionNamesTheFirstProblemAndCountsTheRest() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.env"), "a-b=1\nexport C=2\n");
        EnvironmentFiles.EnvironmentFileException e = catchThrowableOfType(
                () -> EnvironmentFiles.read(List.of(new EnvironmentFile(bad, false))),
                EnvironmentFiles.EnvironmentFileException.class);
        assertThat(e.getMessage()).startsWith(bad + ":1: \"a-b\" is not a variable name").endsWith(" (and 1 more)");
        assertThat(e.problems()).hasSize(2);
    }

    /** Hostile input: whatever the bytes, parsing ends with values and problems, never an exception. */
    @Test
    void randomBytesNeverThrow() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String alphabet = "AB_=#;'\"\\ \t\n\rx$`\0é";
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            List<EnvironmentFiles.Problem> problems = new ArrayList<>();
            try {
                Map<String, String> env = parse(text.toString(), problems);
                env.keySet().forEach(k -> assertThat(k).as("seed %d, text %s", seed, text).matches("[A-Za-z_][A-Za-z0-9_]*"));
                env.values().forEach(v -> assertThat(v).as("seed %d", seed).doesNotContain("\0"));
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ", text " + text.toString().replace("\0", "\\0"), e);
            }
        }
    }

    private static List<String> problemsOf(EnvironmentFile file) {
        List<EnvironmentFiles.Problem> problems = new ArrayList<>();
        EnvironmentFiles.read(file, new LinkedHashMap<>(), problems);
        return problems.stream().map(Object::toString).toList();
    }
}
