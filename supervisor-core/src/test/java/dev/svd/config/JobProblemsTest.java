package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs block: a valid job's spec, and each kind of bad value with its exact message and line. */
class JobProblemsTest {
    private final Path dir;
    private final ConfigFiles files;

    JobProblemsTest(@TempDir Path dir) {
        this.dir = dir;
        this.files = new ConfigFiles(dir);
        files.program("certbot");
    }

    @Test
    void aJobIsReadWithItsDefaults() throws Exception {
        SupervisorSpec spec = files.load("""
                jobs {
                  renew { schedule = "0 3,15 * * *", command = [certbot, renew] }
                  backup {
                    schedule = "@daily"
                    random-delay = 1h
                    timeout = 10m
                    command = [certbot, backup]
                    directory = "%s"
                    environment { A = 1 }
                    user = www-data
                    persistent = true
                  }
                }
                """.formatted(dir));
        assertThat(spec.jobs().keySet()).containsExactly("renew", "backup");
        JobSpec renew = spec.jobs().get("renew");
        assertThat(renew).isEqualTo(new JobSpec("renew", "0 3,15 * * *", Duration.ZERO, Duration.ofHours(1),
                List.of("certbot", "renew"), Optional.empty(), Map.of(), Optional.empty(), false, renew.origin()));
        assertThat(renew.origin().line()).isEqualTo(2);
        JobSpec backup = spec.jobs().get("backup");
        assertThat(backup).isEqualTo(new JobSpec("backup", "@daily", Duration.ofHours(1), Duration.ofMinutes(10),
                List.of("certbot", "backup"), Optional.of(dir), Map.of("A", "1"), Optional.of("www-data"), true,
                backup.origin()));
    }

    @Test
    void badScheduleNamesTheKeyTheLineAndTheReason() {
        assertThat(files.problems("""
                jobs {
                  renew {
                    command = [certbot]
                    schedule = "0 61 * * *"
                  }
                  r2 { command = [certbot], schedule = "@reboot" }
                }
                """)).containsExactly(
                files.at(4) + "jobs.renew.schedule: expected a crontab schedule such as \"0 3,15 * * *\" or @daily"
                        + " (was \"0 61 * * *\"): Value 61 not in range [0, 23]",
                files.at(6) + "jobs.r2.schedule: expected a crontab schedule such as \"0 3,15 * * *\" or @daily"
                        + " (was \"@reboot\"): @reboot is not supported: a job runs on a schedule (for something to run"
                        + " once at start, use a service with restart = never)");
    }

    @Test
    void missingScheduleAndCommandAreBothReported() {
        assertThat(files.problems("jobs {\n  renew { timeout = 5m }\n}\n")).containsExactly(
                files.at(2) + "jobs.renew.schedule: missing: every job needs a schedule such as \"0 3,15 * * *\" or @daily",
                files.at(2) + "jobs.renew.command: missing: every job needs a command such as [\"certbot\", \"renew\"]");
    }

    @Test
    void unknownKeysSuggestTheNearestOne() {
        assertThat(files.problems("""
                jobs.renew {
                  schedule = "@daily"
                  command = [certbot]
                  random-dealy = 1h
                  persistant = true
                }
                jobz { }
                """)).containsExactly(
                files.at(4) + "jobs.renew.random-dealy: unknown key (did you mean \"random-delay\"?)",
                files.at(5) + "jobs.renew.persistant: unknown key (did you mean \"persistent\"?)",
                files.at(7) + "jobz: unknown key (did you mean \"jobs\"?)");
    }

    @Test
    void badValuesAreReportedLikeAServicesOnes() {
        assertThat(files.problems("""
                jobs.renew {
                  schedule = "@daily"
                  command = [certbto]
                  timeout = 0s
                  random-delay = soon
                  persistent = maybe
                }
                jobs."bad name" { schedule = "@daily", command = [certbot] }
                """)).containsExactly(
                files.at(3) + "jobs.renew.command: \"certbto\" is not an executable file on PATH (searched " + files.bin() + ")",
                files.at(4) + "jobs.renew.timeout: must be more than zero (was \"0s\")",
                files.at(5) + "jobs.renew.random-delay: expected a duration such as 10s (was \"soon\")",
                files.at(6) + "jobs.renew.persistent: expected true or false (was \"maybe\")",
                files.at(8) + "jobs.\"bad name\": a job name must start with a letter or digit and have only letters,"
                        + " digits, \".\", \"_\" and \"-\"");
    }
}
