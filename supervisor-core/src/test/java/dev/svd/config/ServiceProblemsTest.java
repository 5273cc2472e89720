package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One kind of bad value per test, each with its exact message and line. */
class ServiceProblemsTest {
    private final Path dir;
    private final ConfigFiles files;

    ServiceProblemsTest(@TempDir Path dir) {
        this.dir = dir;
        this.files = new ConfigFiles(dir);
    }

    private String oneProblem(String serviceBody) {
        return String.join("\n", files.problems("services.web {\n  command = [nginx]\n" + serviceBody + "\n}\n"));
    }

    @Test
    void commandThatIsAStringIsAWrongType() {
        assertThat(files.problems("services.web.command = \"nginx -g 'daemon off;'\"\n")).containsExactly(files.at(1)
                + "services.web.command: expected a list of strings such as [\"nginx\", \"-g\", \"daemon off;\"] (was a string)");
    }

    @Test
    void commandWithAnObjectInItNamesTheElement() {
        assertThat(files.problems("services.web.command = [nginx, {a = 1}]\n"))
                .containsExactly(files.at(1) + "services.web.command[1]: expected a string (was an object)");
    }

    @Test
    void emptyCommandIsAProblem() {
        assertThat(files.problems("services.web {\n  command = []\n}\n")).containsExactly(files.at(2)
                + "services.web.command: must not be empty: give the program and its arguments, such as [\"nginx\", \"-g\", \"daemon off;\"]");
    }

    @Test
    void programNotOnPathNamesThePathSearched() {
        assertThat(files.problems("services.web.command = [ngnix, -g, \"daemon off;\"]\n")).containsExactly(files.at(1)
                + "services.web.command: \"ngnix\" is not an executable file on PATH (searched " + files.bin() + ")");
    }

    @Test
    void programPathMustBeAnExecutableRegularFile() {
        files.write("plain", "");
        assertThat(files.problems("""
                services {
                  a.command = ["%1$s/missing"]
                  b.command = ["%1$s/plain"]
                  c.command = ["%1$s"]
                }
                """.formatted(dir))).containsExactly(
                files.at(2) + "services.a.command: " + dir.resolve("missing") + " does not exist",
                files.at(3) + "services.b.command: " + dir.resolve("plain") + " is not executable",
                files.at(4) + "services.c.command: " + dir + " is not a regular file");
    }

    @Test
    void relativeProgramPathIsResolvedInTheServiceDirectory() throws Exception {
        SupervisorSpec spec = files.load("services.web { directory = \"%s\", command = [./nginx] }\n".formatted(files.bin()));

        assertThat(spec.services().get("web").command()).containsExactly("./nginx");
    }

    @Test
    void directoryMustExist() {
        assertThat(oneProblem("  directory = \"/no/such/dir\""))
                .isEqualTo(files.at(3) + "services.web.directory: /no/such/dir does not exist");
    }

    @Test
    void userMustExist() {
        assertThat(oneProblem("  user = \"www-dat\"")).isEqualTo(files.at(3) + "services.web.user: no such user \"www-dat\""
                + " in /etc/passwd (a service runs as a user listed there, by name or uid)");
    }

    @Test
    void durationInWordsIsAProblem() {
        assertThat(oneProblem("  stop { timeout = ten }"))
                .isEqualTo(files.at(3) + "services.web.stop.timeout: expected a duration such as 10s (was \"ten\")");
    }

    @Test
    void durationWithoutUnitIsAmbiguous() {
        assertThat(oneProblem("  start-seconds = 5"))
                .isEqualTo(files.at(3) + "services.web.start-seconds: expected a duration such as 10s (was 5): add a unit, such as 5s");
    }

    @Test
    void negativeDurationIsAProblem() {
        assertThat(oneProblem("  backoff.stable-after = -5s"))
                .isEqualTo(files.at(3) + "services.web.backoff.stable-after: must not be negative (was \"-5s\")");
    }

    @Test
    void quotedNumberIsStillADurationWithoutUnit() {
        assertThat(oneProblem("  stop.timeout = \"30\""))
                .isEqualTo(files.at(3) + "services.web.stop.timeout: expected a duration such as 10s (was \"30\"): add a unit, such as 30s");
    }

    @Test
    void zeroDurationWhereAPauseIsNeeded() {
        assertThat(oneProblem("  start-limit.interval = 0s"))
                .isEqualTo(files.at(3) + "services.web.start-limit.interval: must be more than zero (was \"0s\")");
    }

    @Test
    void backoffMaxBelowInitial() {
        assertThat(oneProblem("  backoff { initial = 2s, max = 1s }"))
                .isEqualTo(files.at(3) + "services.web.backoff.max: must not be shorter than initial (2000ms)");
    }

    @Test
    void sizeInWordsIsAProblem() {
        assertThat(oneProblem("  log.max-size = big"))
                .isEqualTo(files.at(3) + "services.web.log.max-size: expected a size such as 10MiB (was \"big\")");
    }

    @Test
    void unknownSignalListsTheValidOnes() {
        assertThat(oneProblem("  stop.signal = TREM")).isEqualTo(files.at(3) + "services.web.stop.signal: expected a signal,"
                + " one of HUP, INT, QUIT, KILL, USR1, USR2, ALRM, TERM, CONT, STOP, TSTP, TTIN, TTOU, WINCH (was \"TREM\")");
    }

    @Test
    void countsBelowTheirMinimum() {
        assertThat(files.problems("""
                services.web {
                  command = [nginx]
                  start-limit.burst = 0
                  log { keep = -1, tail-lines = 1.5, console = maybe }
                }
                """)).containsExactly(
                files.at(3) + "services.web.start-limit.burst: must be at least 1 (was 0)",
                files.at(4) + "services.web.log.keep: must be at least 0 (was -1)",
                files.at(4) + "services.web.log.tail-lines: expected a whole number such as 200 (was 1.5)",
                files.at(4) + "services.web.log.console: expected true or false (was \"maybe\")");
    }

    @Test
    void environmentValuesMustBeStrings() {
        assertThat(oneProblem("  environment { PATHS = [a, b] }")).isEqualTo(files.at(3)
                + "services.web.environment.PATHS: expected a string such as \"baseball.settings\" (was a list)");
    }

    @Test
    void blockThatIsNotAnObject() {
        assertThat(oneProblem("  stop = TERM")).isEqualTo(files.at(3) + "services.web.stop: expected an object { ... } (was a string)");
    }

    @Test
    void serviceNameMustBeSimple() {
        assertThat(files.problems("services { \"my web\" { command = [nginx] } }\n")).containsExactly(files.at(1)
                + "services.\"my web\": a service name must start with a letter or digit and have only letters,"
                + " digits, \".\", \"_\" and \"-\"");
    }

    @Test
    void serviceThatIsNotAnObject() {
        assertThat(files.problems("services { web = nginx }\n")).containsExactly(files.at(1)
                + "services.web: expected an object such as { command = [\"nginx\", \"-g\", \"daemon off;\"] } (was a string)");
    }

    @Test
    void environmentFileProblemsNameTheConfigLineAndTheFileLine() {
        Path env = files.write("app.env", "GOOD=1\nexport BAD=2\n");
        Path absent = dir.resolve("absent.env");
        assertThat(files.problems("services.web {\n  command = [nginx]\n  environment-file = [\"" + env + "\", \"-"
                + dir.resolve("maybe.env") + "\", \"" + absent + "\", \"relative.env\"]\n}\n")).containsExactly(
                files.at(3) + "services.web.environment-file[0]: " + env
                        + ":2: \"export BAD\": remove \"export\": the file is not a shell script (systemd would ignore this line)",
                files.at(3) + "services.web.environment-file[2]: " + absent + ": no such file (create it, or write \"-"
                        + absent + "\" if it may be missing)",
                files.at(3) + "services.web.environment-file[3]: expected an absolute path such as \"/etc/default/app\","
                        + " or \"-/etc/app.env\" for a file that may be missing (was \"relative.env\")");
    }

    @Test
    void environmentFileThatIsAStringIsAWrongType() {
        assertThat(oneProblem("  environment-file = \"/etc/app.env\"")).isEqualTo(files.at(3)
                + "services.web.environment-file: expected a list of strings such as [\"/etc/default/app\", \"-/etc/app.env\"] (was a string)");
    }
}
