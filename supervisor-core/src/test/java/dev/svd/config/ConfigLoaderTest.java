package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final Path dir;
    private final ConfigFiles files;

    ConfigLoaderTest(@TempDir Path dir) {
        this.dir = dir;
        this.files = new ConfigFiles(dir);
    }

    @Test
    void theControlBlockNamesTheReadOnlyGroup() throws Exception {
        assertThat(files.load("control { read-only-group = adm }\nservices { a { command = [\"/bin/true\"] } }\n")
                .control().readOnlyGroup()).contains("adm");
        assertThat(files.load("services { a { command = [\"/bin/true\"] } }\n").control().readOnlyGroup())
                .as("no group unless configured").isEmpty();
    }

    @Test
    void theControlBlockBoundsConnections() throws Exception {
        ControlSpec c = files.load("control { max-clients = 10, max-clients-per-user = 2, reserved-for-root = 3,"
                + " request-timeout = 5s, write-timeout = 2s }\nservices { a { command = [\"/bin/true\"] } }\n").control();
        assertThat(c).isEqualTo(new ControlSpec(Optional.empty(), 10, 2, 3, Duration.ofSeconds(5), Duration.ofSeconds(2)));
        assertThat(files.load("services { a { command = [\"/bin/true\"] } }\n").control()).isEqualTo(ControlSpec.DEFAULT);
        assertThat(files.problems("control { max-clients = 4, reserved-for-root = 4, write-timeout = 0s }\n"
                + "services { a { command = [\"/bin/true\"] } }\n")).containsExactly(
                files.at(1) + "control.reserved-for-root: must be less than max-clients (4), or nobody but root could"
                        + " connect (was 4)",
                files.at(1) + "control.write-timeout: must be more than zero (was \"0s\")");
    }

    @Test
    void theHttpListenerIsOffUnlessConfigured() throws Exception {
        assertThat(files.load("services { a { command = [\"/bin/true\"] } }\n").daemon().http())
                .as("no listener by default").isEmpty();
        assertThat(files.load("svd.http { listen = \"127.0.0.1:9321\" }\nservices { a { command = [\"/bin/true\"] } }\n")
                .daemon().http()).contains(new HttpSpec("127.0.0.1", 9321));
        assertThat(files.load("svd.http { listen = \"[::1]:80\" }\nservices { a { command = [\"/bin/true\"] } }\n")
                .daemon().http()).contains(new HttpSpec("::1", 80));
        assertThat(files.problems("svd.http { listen = \"9321\", port = 1 }\nservices { a { command = [\"/bin/true\"] } }\n"))
                .containsExactlyInAnyOrder(
                        files.at(1) + "svd.http.port: unknown key (expected one of listen)",
                        files.at(1) + "svd.http.listen: expected HOST:PORT such as \"127.0.0.1:9321\" with a port from"
                                + " 1 to 65535 (was \"9321\")");
    }

    @Test
    void typicalConfigLoads() throws Exception {
        files.write("srv/app/manage.py", "");
        SupervisorSpec spec = files.load("""
                svd { socket = "/run/svd/svd.sock", log-dir = "/var/log/svd", state-dir = "/var/lib/svd", stop-budget = 8s }
                services {
                  gunicorn {
                    command = ["gunicorn", "--workers", 3, "--bind", "127.0.0.1:8000", "baseball.wsgi:application"]
                    directory = "%s"
                    environment { DJANGO_SETTINGS_MODULE = "baseball.settings", WORKERS = 3 }
                    user = "www-data"
                    restart = on-failure, on-leftover = adopt
                    stop { signal = TERM, timeout = 30s }
                    backoff { initial = 200ms, max = 1m, stable-after = 20s }
                    start-limit { burst = 3, interval = 2 minutes }
                    log { max-size = 1MiB, keep = 2, tail-lines = 50, console = false, timestamps = false, console-timestamps = true }
                  }
                  nginx {
                    command = ["nginx", "-g", "daemon off;"]
                    depends-on = [gunicorn]
                    stop.signal = QUIT
                    reload.signal = SIGHUP
                    start-seconds = 0s
                  }
                }
                """.formatted(dir.resolve("srv/app")));

        assertThat(spec.daemon()).isEqualTo(new DaemonSpec(Path.of("/run/svd/svd.sock"), Path.of("/var/log/svd"),
                Path.of("/var/lib/svd"), Duration.ofSeconds(8)));
        assertThat(spec.services().get("gunicorn")).usingRecursiveComparison().ignoringFields("keyOrigins")
                .isEqualTo(new ServiceSpec("gunicorn",
                List.of("gunicorn", "--workers", "3", "--bind", "127.0.0.1:8000", "baseball.wsgi:application"),
                Optional.of(dir.resolve("srv/app")), Map.of("DJANGO_SETTINGS_MODULE", "baseball.settings", "WORKERS", "3"),
                List.of(), Optional.of("www-data"), RestartPolicy.ON_FAILURE, new StopSpec(Signal.TERM, Duration.ofSeconds(30)),
                ReloadSpec.DEFAULT, List.of(), Duration.ofSeconds(1),
                new BackoffSpec(Duration.ofMillis(200), Duration.ofMinutes(1), Duration.ofSeconds(20)),
                new StartLimitSpec(3, Duration.ofMinutes(2)), new LogSpec(1024 * 1024, 2, 50, false, false, true),
                Optional.empty(), Optional.empty(), Profile.NONE, Optional.empty(), Optional.empty(), false,
                LeftoverPolicy.ADOPT, new Origin(dir.resolve("svd.conf").toString(), 3)));
        Path conf = dir.resolve("svd.conf");
        assertThat(spec.services().get("gunicorn").keyOrigins()).as("for svctl show")
                .containsEntry("command", new Origin(conf.toString(), 4))
                .containsEntry("environment.WORKERS", new Origin(conf.toString(), 6))
                .containsEntry("on-leftover", new Origin(conf.toString(), 8))
                .containsEntry("stop.signal", new Origin(conf.toString(), 9))
                .doesNotContainKey("reload");
        ServiceSpec nginx = spec.services().get("nginx");
        assertThat(nginx.stop()).isEqualTo(new StopSpec(Signal.QUIT, Duration.ofSeconds(10)));
        assertThat(nginx.reload()).isEqualTo(ReloadSpec.DEFAULT);
        assertThat(nginx.startSeconds()).isZero();
        assertThat(nginx.origin().line()).isEqualTo(14);
        assertThat(spec.startOrder()).containsExactly("gunicorn", "nginx");
    }

    @Test
    void absentKeysGetTheDefaults() throws Exception {
        SupervisorSpec spec = files.load("services.web.command = [nginx]");

        assertThat(spec.daemon()).isEqualTo(DaemonSpec.DEFAULT);
        assertThat(spec.services().get("web")).usingRecursiveComparison().ignoringFields("keyOrigins")
                .isEqualTo(new ServiceSpec("web", List.of("nginx"), Optional.empty(),
                Map.of(), List.of(), Optional.empty(), RestartPolicy.ALWAYS, StopSpec.DEFAULT, ReloadSpec.DEFAULT, List.of(),
                Duration.ofSeconds(1), BackoffSpec.DEFAULT, StartLimitSpec.DEFAULT, LogSpec.DEFAULT,
                Optional.empty(), Optional.empty(), Profile.NONE, Optional.empty(), Optional.empty(), false,
                LeftoverPolicy.STOP, new Origin(dir.resolve("svd.conf").toString(), 1)));
    }

    @Test
    void servicesKeepFileOrderAndStartAfterTheirDependencies() throws Exception {
        SupervisorSpec spec = files.load("""
                services {
                  zeta { command = [nginx], depends-on = [db] }
                  alpha { command = [nginx] }
                  db { command = [nginx], depends-on = [cache] }
                  cache { command = [nginx] }
                  mid { command = [nginx], depends-on = [alpha, zeta] }
                }
                """);

        assertThat(spec.services()).containsOnlyKeys("zeta", "alpha", "db", "cache", "mid");
        assertThat(List.copyOf(spec.services().keySet())).containsExactly("zeta", "alpha", "db", "cache", "mid");
        assertThat(spec.startOrder()).containsExactly("alpha", "cache", "db", "zeta", "mid");
    }

    @Test
    void includeAndEnvironmentSubstitutionWork() throws Exception {
        files.write("conf.d/web.conf", """
                services.web {
                  command = [nginx]
                  environment { MODE = ${?MODE}, KEEP = ${?UNSET} }
                }
                """);
        Path main = files.write("svd.conf", """
                include "conf.d/web.conf"
                svd.log-dir = ${?LOGS}
                services.web.stop.timeout = 3s
                """);

        SupervisorSpec spec = files.load(main, Map.of("PATH", files.bin().toString(), "MODE", "prod", "LOGS", "/logs"));

        assertThat(spec.daemon().logDir()).isEqualTo(Path.of("/logs"));
        ServiceSpec web = spec.services().get("web");
        assertThat(web.environment()).isEqualTo(Map.of("MODE", "prod"));
        assertThat(web.stop().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(web.origin().file()).isEqualTo(dir.resolve("conf.d/web.conf").toString());
    }

    @Test
    void numbersAndDurationsMayComeFromTheEnvironment() throws Exception {
        Path file = files.write("svd.conf", "services.web { command = [nginx], start-limit { burst = ${BURST}, interval = ${WINDOW} } }");

        SupervisorSpec spec = files.load(file, Map.of("PATH", files.bin().toString(), "BURST", "7", "WINDOW", "90s"));

        assertThat(spec.services().get("web").startLimit()).isEqualTo(new StartLimitSpec(7, Duration.ofSeconds(90)));
    }

    @Test
    void problemInAnIncludedFileNamesThatFile() {
        files.write("web.conf", "services.web {\n  command = [nginx]\n  restart = sometimes\n}\n");

        assertThat(files.problems("include \"web.conf\"\n")).containsExactly(dir.resolve("web.conf")
                + ":3: services.web.restart: expected one of always, on-failure, never (was \"sometimes\")");
    }

    @Test
    void missingOptionalIncludeIsSkippedButARequiredOneIsAProblem() throws Exception {
        assertThat(files.load("include \"nope.conf\"\nservices.web.command = [nginx]\n").services()).containsOnlyKeys("web");

        assertThat(files.problems("include required(\"nope.conf\")\n")).singleElement().asString()
                .endsWith(".conf:1: include not found: " + dir.resolve("nope.conf"));
    }

    @Test
    void missingFileIsAProblemNamingThePath() {
        Path missing = dir.resolve("nope.conf");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));

        assertThat(e).hasMessage("configuration has 1 problem:\n  " + missing + ": file not found");
    }

    @Test
    void syntaxErrorKeepsFileAndLine() {
        assertThat(files.problems("services {\n  web {\n    command = [nginx\n  }\n}\n"))
                .singleElement().asString().startsWith(files.at(4));
    }

    @Test
    void missingRequiredSubstitutionIsAProblem() {
        assertThat(files.problems("services.web.command = [${NGINX}]\n"))
                .containsExactly(files.at(1) + "Could not resolve substitution to a value: ${NGINX}"
                        + " (set that environment variable, or write ${?NAME} where it may be unset)");
    }

    @Test
    void severalProblemsAreReportedTogetherInLineOrder() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> files.load("""
                services {
                  web {
                    depnds-on = [db]
                    command = [nginx]
                    stop.timeout = ten
                  }
                  db { restart = sometimes }
                }
                """));

        assertThat(e).hasMessage("""
                configuration has 4 problems:
                  %sservices.web.depnds-on: unknown key (did you mean "depends-on"?)
                  %sservices.web.stop.timeout: expected a duration such as 10s (was "ten")
                  %sservices.db.command: missing: every service needs a command such as ["nginx", "-g", "daemon off;"]
                  %sservices.db.restart: expected one of always, on-failure, never (was "sometimes")"""
                .formatted(files.at(3), files.at(5), files.at(7), files.at(7)));
    }

    @Test
    void unknownKeysAreFoundAtEveryLevel() {
        assertThat(files.problems("""
                svd { sokcet = "/run/x.sock" }
                servces {}
                services.web {
                  command = [nginx]
                  backoff { initail = 1s }
                  colour = blue
                }
                """)).containsExactly(
                files.at(1) + "svd.sokcet: unknown key (did you mean \"socket\"?)",
                files.at(2) + "servces: unknown key (did you mean \"services\"?)",
                files.at(5) + "services.web.backoff.initail: unknown key (did you mean \"initial\"?)",
                files.at(6) + "services.web.colour: unknown key (expected one of command, directory, environment,"
                        + " environment-file, user, restart, stop, reload, depends-on, start-seconds, backoff, start-limit, log, ready, health,"
                        + " profile, reopen-signal, pid-file, essential, on-leftover, sockets, sockets-env, watchdog)");
    }
}
