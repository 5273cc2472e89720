package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.BackoffSpec;
import dev.svd.config.ConfigLoader;
import dev.svd.config.LeftoverPolicy;
import dev.svd.config.LogSpec;
import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.Profile;
import dev.svd.config.ReloadSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.StartLimitSpec;
import dev.svd.config.StopSpec;
import dev.svd.config.SupervisorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which settings of a changed service differ, and how an update applies them (issue 11, point 4):
 * only a changed command, directory, environment or user restarts the process; everything else is
 * applied without a restart; a service without a process takes every change at its next start;
 * log settings wait for svd's restart; moving a block in the file is no change.
 */
class ConfigDiffTest {
    @TempDir
    Path dir;

    private static final String WEB = "  web { command = [\"/bin/sleep\", \"1000\"], start-seconds = 0s %s }\n";

    static Stream<Arguments> edits() {
        return Stream.of(
                Arguments.of("command", "command = [\"/bin/sleep\", \"2000\"]", List.of("command"), "RESTART"),
                Arguments.of("environment", "environment { A = b }", List.of("environment"), "RESTART"),
                Arguments.of("directory", "directory = \"/tmp\"", List.of("directory"), "RESTART"),
                Arguments.of("health probe host", "health { http { url = \"http://127.0.0.1:1/\", host = \"b.test\" } }",
                        List.of("health"), "WITHOUT_RESTART"),
                Arguments.of("ready probe", "ready { tcp { address = \"127.0.0.1:2\" } }", List.of("ready"),
                        "WITHOUT_RESTART"),
                Arguments.of("stop", "stop { signal = QUIT }", List.of("stop"), "WITHOUT_RESTART"),
                Arguments.of("reload", "reload { signal = USR2 }", List.of("reload"), "WITHOUT_RESTART"),
                Arguments.of("depends-on", "depends-on = [db]", List.of("depends-on"), "WITHOUT_RESTART"),
                Arguments.of("restart policy", "restart = never", List.of("restart"), "WITHOUT_RESTART"),
                Arguments.of("log only", "log { keep = 2 }", List.of(), "NONE"),
                Arguments.of("command and health", "command = [\"/bin/sleep\", \"2000\"], health { http { url ="
                        + " \"http://127.0.0.1:1/\", host = \"b.test\" } }", List.of("command", "health"), "RESTART"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void classifiesEachKindOfChange(String what, String edit, List<String> settings, String action) throws Exception {
        SupervisorSpec before = load(String.format(WEB, ", health { http { url = \"http://127.0.0.1:1/\", host = \"a.test\" } }")
                + db(""));
        String after = edit.startsWith("command") ? WEB.replace("command = [\"/bin/sleep\", \"1000\"], ", "")
                : WEB;
        String health = edit.contains("health") ? "" : ", health { http { url = \"http://127.0.0.1:1/\", host = \"a.test\" } }";
        SupervisorSpec next = load(String.format(after, ", " + edit + health) + db(""));

        ConfigChange change = ConfigDiff.between(before, next);

        assertThat(change.changed()).containsExactly("web");
        assertThat(change.unchanged()).containsExactly("db");
        ServiceChange web = change.changes().get(0);
        assertThat(web.service()).isEqualTo("web");
        assertThat(web.settings()).as(what).isEqualTo(settings);
        assertThat(web.action()).as(what).hasToString(action);
        assertThat(web.pending()).isEqualTo(what.startsWith("log") ? List.of("log") : List.of());
    }

    @Test
    void aServiceWithoutAProcessTakesEveryChangeAtItsNextStart() throws Exception {
        SupervisorSpec before = load(String.format(WEB, "") + db(""));
        SupervisorSpec next = load(String.format(WEB, ", environment { A = b }") + db("environment { A = b }"));

        ConfigChange change = ConfigDiff.between(before, next, name -> name.equals("web"));

        assertThat(change.changes()).extracting(ServiceChange::service, c -> c.action().wireName())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web", "restart"),
                        org.assertj.core.groups.Tuple.tuple("db", "at_next_start"));
    }

    @Test
    void movingServicesAndProbesToOtherLinesIsNoChange() throws Exception {
        String probe = ", health { http { url = \"http://127.0.0.1:1/\" } }, ready { tcp { address = \"127.0.0.1:2\" } }";
        SupervisorSpec before = load(String.format(WEB, probe) + db(""));
        SupervisorSpec next = load("\n\n" + db("") + "\n" + String.format(WEB, probe).replace(", health", ",\n health")
                .replace(", ready", ",\n\n ready"));

        ConfigChange change = ConfigDiff.between(before, next);

        assertThat(change.changed()).isEmpty();
        assertThat(change.changes()).isEmpty();
        assertThat(change.unchanged()).containsExactlyInAnyOrder("web", "db");
    }

    @Test
    void addedAndRemovedServicesAreNotChanges() throws Exception {
        ConfigChange change = ConfigDiff.between(load(String.format(WEB, "") + db("")),
                load(db("") + "  cache { command = [\"/bin/sleep\", \"1\"] }\n"));

        assertThat(change.added()).containsExactly("cache");
        assertThat(change.removed()).containsExactly("web");
        assertThat(change.changes()).isEmpty();
    }

    /** Each component of ServiceSpec but its name and origin is a setting; a new one must be classified here. */
    @Test
    void everySettingOfAServiceIsNoticed() {
        ServiceSpec a = ServiceSpec.of("web", List.of("/bin/sleep", "1"));
        ProbeSpec probe = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 1)), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ZERO, 1, 1, Duration.ofSeconds(5), Duration.ofSeconds(30), Origin.UNKNOWN);
        ServiceSpec b = a.with(x -> {
            x.command = List.of("/bin/sleep", "2");
            x.directory = Optional.of(Path.of("/tmp"));
            x.environment = Map.of("A", "b");
            x.environmentFile = List.of(new dev.svd.config.EnvironmentFile(Path.of("/etc/app.env"), true));
            x.user = Optional.of("nobody");
            x.restart = RestartPolicy.NEVER;
            x.stop = new StopSpec(Signal.QUIT, Duration.ofSeconds(1));
            x.reload = new ReloadSpec(List.of(), Signal.USR2, ReloadSpec.Confirm.NONE, Duration.ofSeconds(1));
            x.dependsOn = List.of("db");
            x.startSeconds = Duration.ofSeconds(7);
            x.backoff = new BackoffSpec(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5));
            x.startLimit = new StartLimitSpec(9, Duration.ofSeconds(9));
            x.log = new LogSpec(1, 1, 1, false, true, false);
            x.ready = Optional.of(probe);
            x.health = Optional.of(probe);
            x.profile = Profile.NGINX;
            x.reopenSignal = Optional.of(Signal.USR1);
            x.pidFile = Optional.of(Path.of("/run/x.pid"));
            x.essential = true;
            x.onLeftover = LeftoverPolicy.ADOPT;
            x.sockets = List.of(new dev.svd.config.SocketSpec("127.0.0.1:8000", dev.svd.config.SocketSpec.Family.INET,
                    "127.0.0.1", 8000, Optional.empty(), "web", 4096, 0666, Optional.empty(), Optional.empty(), Origin.UNKNOWN));
            x.socketsEnv = dev.svd.config.SocketAnnounce.NGINX;
            x.watchdog = Optional.of(Duration.ofSeconds(10));
            x.origin = new Origin("other.conf", 3);
            x.keyOrigins = Map.of("command", new Origin("other.conf", 4));
        });

        List<String> keys = ConfigDiff.changedKeys(a, b);

        assertThat(keys).containsExactly("command", "directory", "environment", "environment-file", "user", "restart", "stop", "reload",
                "depends-on", "start-seconds", "backoff", "start-limit", "log", "ready", "health", "profile",
                "reopen-signal", "pid-file", "essential", "on-leftover", "sockets", "sockets-env", "watchdog");
        assertThat(keys).as("every component but name, origin and keyOrigins")
                .hasSize(ServiceSpec.class.getRecordComponents().length - 3);
    }

    private static String db(String extra) {
        return "  db { command = [\"/bin/sleep\", \"1000\"] " + (extra.isEmpty() ? "" : ", " + extra) + " }\n";
    }

    private SupervisorSpec load(String services) throws Exception {
        Path file = dir.resolve("svd.conf");
        Files.writeString(file, "svd { socket = \"" + dir + "/s.sock\", log-dir = \"" + dir + "\", state-dir = \"" + dir
                + "\" }\nservices {\n" + services + "}\n");
        return ConfigLoader.load(file);
    }
}
