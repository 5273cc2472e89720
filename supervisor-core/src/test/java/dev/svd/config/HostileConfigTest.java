package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration text nobody should write, and what svd must do with it: refuse it with the file,
 * the line and a reason, never hang, run out of memory or overflow its stack (issue 12).
 */
class HostileConfigTest {
    private static final String SERVICE = "services.web.command = [nginx]\n";

    @TempDir
    Path dir;
    private ConfigFiles files;

    @BeforeEach
    void setUp() {
        files = new ConfigFiles(dir);
    }

    @Test
    void aFileOverOneMebibyteIsRefusedBeforeItIsParsed() {
        String padding = "# " + "x".repeat(1022) + "\n";
        String text = SERVICE + padding.repeat(1025);

        assertThat(files.problems(text)).singleElement().asString()
                .endsWith("svd.conf: the configuration is too large: " + text.length()
                        + " bytes with its includes so far, at most 1048576 (1 MiB) are read; split it, or remove what it does not need");
    }

    @Test
    void includesCountTowardsTheSameLimit() {
        String half = "# " + "x".repeat(1022) + "\n";
        files.write("a.conf", half.repeat(600));
        files.write("b.conf", half.repeat(600));

        assertThat(files.problems("include \"a.conf\"\ninclude \"b.conf\"\n" + SERVICE)).singleElement().asString()
                .startsWith(dir.resolve("svd.conf") + ":2: " + dir.resolve("b.conf") + ": the configuration is too large");
    }

    /**
     * A file name the JVM cannot encode is a problem at its key, not an exception: here an unpaired
     * surrogate (the HOCON escape \\uD800), which no encoding holds; under the POSIX locale any
     * non-ASCII character is such a name (CI found an é escaping as InvalidPathException).
     */
    @Test
    void fileNamesThatCannotBeEncodedAreProblemsAtTheirKeys() {
        String bad = "\"/srv/a\\uD800b\"";
        String text = "svd.log-dir = " + bad + "\n"
                + "services.web {\n"
                + "  command = [" + bad + "]\n"
                + "  directory = " + bad + "\n"
                + "  environment-file = [" + bad + "]\n"
                + "  sockets = [{ listen = " + bad + " }]\n"
                + "}\n";

        String why = "cannot be a file name: it holds a character that svd's file name encoding";
        assertThat(files.problems(text)).anyMatch(p -> p.startsWith(files.at(1) + "svd.log-dir: " + why))
                .anyMatch(p -> p.startsWith(files.at(3) + "services.web.command: the program, command[0], " + why))
                .anyMatch(p -> p.startsWith(files.at(4) + "services.web.directory: " + why))
                .anyMatch(p -> p.startsWith(files.at(5) + "services.web.environment-file[0]: " + why))
                .anyMatch(p -> p.startsWith(files.at(6) + "services.web.sockets[0].listen: " + why));
    }

    @Test
    void hundredThousandNestedBracketsAreRefusedWithTheLine() {
        assertThat(files.problems(SERVICE + "deep = " + "[".repeat(100_000) + "\n")).containsExactly(
                dir.resolve("svd.conf") + ":2: nested more than 64 levels deep ({ and [); svd reads no deeper");
    }

    @Test
    void aKeyOfThousandsOfDottedPartsIsRefused() {
        assertThat(files.problems(SERVICE + "a" + ".a".repeat(100_000) + " = 1\n")).containsExactly(
                dir.resolve("svd.conf") + ":2: a key of more than 64 dotted parts; svd reads no deeper");
    }

    @Test
    void bracketsInStringsAndCommentsDoNotCount() throws Exception {
        String text = SERVICE + "# " + "[".repeat(200) + "\n"
                + "services.web.environment { A = \"" + "{".repeat(200) + "\", B = \"\"\"" + "[".repeat(200) + "\"\"\" }\n";

        assertThat(files.load(text).services().get("web").environment()).containsKeys("A", "B");
    }

    @Test
    void sixtyFourLevelsAreStillRead() throws Exception {
        String text = SERVICE + "x = " + "[".repeat(64) + "]".repeat(64) + "\n";

        assertThat(files.problems(text)).noneMatch(p -> p.contains("nested"));
    }

    @Test
    void anIncludeCycleIsRefusedNamingTheFiles() {
        files.write("a.conf", "include required(\"b.conf\")\n");
        files.write("b.conf", "include required(\"a.conf\")\n");

        assertThat(files.problems("include required(\"a.conf\")\n" + SERVICE)).containsExactly(dir.resolve("b.conf")
                + ":1: include cycle: " + dir.resolve("a.conf") + " -> " + dir.resolve("b.conf") + " -> " + dir.resolve("a.conf"));
    }

    @Test
    void aFileIncludeIsReadNextToTheIncludingFileNotTheWorkingDirectory() throws Exception {
        files.write("conf.d/app.conf", "services.app.command = [gunicorn]\n");
        files.write("conf.d/main.conf", "include file(\"app.conf\")\n" + SERVICE);

        assertThat(files.load(dir.resolve("conf.d/main.conf"), files.environment()).services()).containsOnlyKeys("app", "web");
    }

    @Test
    void urlAndClasspathIncludesAreRefused() {
        assertThat(files.problems("include url(\"http://127.0.0.1:1/x.conf\")\n" + SERVICE)).containsExactly(
                dir.resolve("svd.conf") + ":1: url() includes are not read: svd reads its configuration only from files");
        assertThat(files.problems("include classpath(\"reference.conf\")\n" + SERVICE)).containsExactly(
                dir.resolve("svd.conf") + ":1: classpath() includes are not read: svd reads its configuration only from files");
    }

    @Test
    void aDirectoryIncludedIsNotARegularFile() throws IOException {
        Files.createDirectory(dir.resolve("d.conf"));

        assertThat(files.problems("include \"d.conf\"\n" + SERVICE)).containsExactly(dir.resolve("svd.conf") + ":1: "
                + dir.resolve("d.conf") + ": not a regular file (a directory): svd reads its configuration only from regular files");
    }

    @Test
    void namesLongerThan128CharactersAreRefusedForServicesJobsAndCertificates() throws Exception {
        String ok = "s".repeat(128);
        String tooLong = "s".repeat(129);

        assertThat(files.load("services." + ok + ".command = [nginx]\n").services()).containsOnlyKeys(ok);
        assertThat(files.problems("services." + tooLong + ".command = [nginx]\n")).containsExactly(dir.resolve("svd.conf")
                + ":1: services." + tooLong + ": a service name has at most 128 characters (this one has 129): it names svd's files for it");
        assertThat(files.problems(SERVICE + "jobs." + "j".repeat(300) + " { schedule = \"0 3 * * *\", command = [nginx] }\n"))
                .singleElement().asString().contains("a job name has at most 128 characters (this one has 300)");
    }

    @Test
    void aNulCharacterInAValueIsAProblemWithItsPlace() {
        // found by randomlyMangledConfigurationsLoadOrAreRefusedWithAPlace (seed -1123767969906079662):
        // a NUL in a path reached Path.of and escaped as InvalidPathException
        assertThat(files.problems("services.web { command = [nginx, \"a\\u0000b\"], directory = \"/tmp/\\u0000\" }\n"))
                .containsExactlyInAnyOrder(dir.resolve("svd.conf") + ":1: services.web.command[1]: must not contain a NUL character (\\u0000)",
                        dir.resolve("svd.conf") + ":1: services.web.directory: must not contain a NUL character (\\u0000)");
        assertThat(files.problems("include \"a\\u0000.conf\"\n" + SERVICE)).singleElement().asString()
                .startsWith(dir.resolve("svd.conf") + ": not a file name: Nul character not allowed");
    }

    @Test
    void aUserMustBeALineOfThePasswdFileByNameOrUid() throws IOException {
        Path passwd = files.write("passwd", "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n");

        assertThat(HostChecks.passwdHas(passwd, "www-data")).isTrue();
        assertThat(HostChecks.passwdHas(passwd, "33")).isTrue();
        assertThat(HostChecks.passwdHas(passwd, "0")).isTrue();
        assertThat(HostChecks.passwdHas(passwd, "-1")).isFalse();
        assertThat(HostChecks.passwdHas(passwd, "99999")).isFalse();
        assertThat(HostChecks.passwdHas(passwd, "x")).isFalse();
        assertThat(HostChecks.passwdHas(passwd, "root:x")).isFalse();
        assertThat(HostChecks.passwdHas(passwd, "")).isFalse();
    }

    @Test
    void aChainOfFiftyThousandDependenciesNeedsNoDeepStack() throws Exception {
        Map<String, List<String>> chain = new LinkedHashMap<>();
        for (int i = 0; i < 50_000; i++) {
            chain.put("s" + i, i == 0 ? List.of() : List.of("s" + (i - 1)));
        }
        chain.put("s0", List.of("s49999"));
        AtomicReference<Object> result = new AtomicReference<>();
        // svd's threads have 512 KiB of stack (bin/svd: -Xss512k); a recursive walk of the chain overflows it
        Thread small = new Thread(null, () -> {
            try {
                DependencyGraph graph = new DependencyGraph(chain);
                result.set(List.of(graph.startOrder(), graph.cycles()));
            } catch (Throwable t) {
                result.set(t);
            }
        }, "small-stack", 512 * 1024);
        small.start();
        small.join();

        assertThat(result.get()).isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        List<List<Object>> answer = (List<List<Object>>) result.get();
        assertThat(answer.get(0)).isEmpty();
        assertThat(answer.get(1)).hasSize(1);
        @SuppressWarnings("unchecked")
        List<Object> cycle = (List<Object>) answer.get(1).get(0);
        assertThat(cycle).hasSize(50_001).startsWith("s0", "s49999");
    }

    /**
     * Seeded mutations of a valid configuration (cut, repeated, bytes replaced with HOCON's
     * structural characters, quotes and control characters): each loads or is refused with
     * problems that name a place; nothing else escapes, whatever the text.
     */
    @Test
    void randomlyMangledConfigurationsLoadOrAreRefusedWithAPlace() {
        String valid = "svd { stop-budget = 30s }\n"
                + "services {\n"
                + "  gunicorn { command = [gunicorn, \"--bind\", \"127.0.0.1:8000\"], restart = always,\n"
                + "    ready { http { url = \"http://127.0.0.1:8000/healthz\" }, interval = 1s } }\n"
                + "  nginx { command = [nginx, \"-g\", \"daemon off;\"], depends-on = [gunicorn],\n"
                + "    stop { signal = QUIT, timeout = 10s }, environment { A = \"x\" } }\n"
                + "}\n";
        String alphabet = "{}[]\"',:=.$?#/\\\n\t \u0000\u00e9\uFFFFabc123-";
        long seed = Long.getLong("svd.test.seed", new Random().nextLong());
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 400; round++) {
            StringBuilder text = new StringBuilder(valid);
            int edits = 1 + random.nextInt(8);
            for (int e = 0; e < edits && text.length() > 0; e++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(4)) {
                    case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> text.insert(at, String.valueOf(alphabet.charAt(random.nextInt(alphabet.length())))
                            .repeat(1 + random.nextInt(200)));
                    case 2 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(40)));
                    default -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(60))));
                }
            }
            try {
                files.load(text.toString());
            } catch (ConfigException e) {
                e.problems().stream().filter(p -> p.origin().file().equals(Origin.UNKNOWN.file()))
                        .forEach(p -> failures.add("no place in: " + p + "\n--- text:\n" + text));
            } catch (Throwable t) {
                failures.add(t + "\n--- text:\n" + text);
            }
        }
        if (!failures.isEmpty()) {
            fail("seed " + seed + " (replay: -Dsvd.test.seed=" + seed + "): " + failures.size()
                    + " of 400 mangled configurations escaped; first:\n" + failures.get(0));
        }
    }
}
