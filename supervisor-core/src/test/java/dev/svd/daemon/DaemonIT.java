package dev.svd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** svd as a separate process: config errors, SIGTERM, SIGHUP, nothing left behind. */
class DaemonIT {
    @TempDir
    Path dir;

    private Path config(String services) throws Exception {
        return config("", services);
    }

    /** {@code daemon}: more keys of the svd block, e.g. "stop-budget = 2s". */
    private Path config(String daemon, String services) throws Exception {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\"" + (daemon.isEmpty() ? "" : ", " + daemon) + " }\nservices {\n" + services + "}\n");
        return conf;
    }

    /** A service that records its pid (and those of its workers) under pids/, then stays up. */
    private String service(String name, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/" + name + ".pid; " + extra
                + " exec sleep 1000\"], start-seconds = 0s }\n";
    }

    @Test
    void invalidConfigExits78WithEveryProblemAndStartsNothing() throws Exception {
        Path conf = config(service("web", "") + "  app {\n    command = [\"/bin/true\"]\n    depnds-on = [web]\n"
                + "    stop { timeout = ten }\n  }\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            assertThat(svd.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
            assertThat(svd.stderr())
                    .contains(conf + ":6: services.app.depnds-on: unknown key (did you mean \"depends-on\"?)")
                    .contains(conf + ":7: services.app.stop.timeout: expected a duration such as 10s (was \"ten\")")
                    .contains("configuration has 2 problems");
            assertThat(svd.recordedPids()).as("nothing started").isEmpty();
        }
    }

    @Test
    void aSecondSvdOnTheSameConfigRefusesAndLeavesTheFirstOnesServicesAlone() throws Exception {
        Path conf = config(service("web", ""));
        try (SvdProcess first = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> first.recordedPids().size() == 1);
            long web = first.recordedPids().get(0);
            try (SvdProcess second = SvdProcess.start(dir.resolve("second"), "--config", conf.toString())) {
                assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(69);
                assertThat(second.stderr()).contains("svd is already running on " + dir.resolve("svd.sock") + ", pid "
                        + first.process.pid());
            }
            // Another socket, the same state dir: refused by the state dir's lock.
            try (SvdProcess third = SvdProcess.start(dir.resolve("third"), "--config", conf.toString(),
                    "--socket", dir.resolve("third.sock").toString())) {
                assertThat(third.awaitExit(Duration.ofSeconds(30))).isEqualTo(69);
                assertThat(third.stderr()).contains("another svd (pid " + first.process.pid() + ") uses svd.state-dir");
            }
            assertThat(SvdProcess.alive(web)).as("the first svd's service").isTrue();
            assertThat(first.recordedPids()).as("not restarted").containsExactly(web);
            assertThat(first.stdout()).doesNotContain("left by an earlier svd");
        }
    }

    @Test
    void checkPrintsStartOrder() throws Exception {
        Path conf = config("  app { command = [\"/bin/true\"], depends-on = [db] }\n" + service("web", "")
                + service("db", ""));
        try (SvdProcess svd = SvdProcess.start(dir, "--check", conf.toString())) {
            assertThat(svd.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
            assertThat(svd.stdout()).contains("start order: web, db, app");
        }
    }

    @Test
    void checkShowsTheEffectiveValuesOfTheProfilesAndWarnsAboutTheStopBudget() throws Exception {
        Path pid = dir.resolve("g.pid");
        Path conf = config("  app { command = [\"/usr/bin/gunicorn\", \"--pid\", \"" + pid + "\", \"x:app\"], profile = gunicorn }\n"
                + "  web { command = [\"/usr/sbin/nginx\", \"-g\", \"daemon off;\"], profile = nginx, depends-on = [app] }\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--check", conf.toString())) {
            assertThat(svd.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
            assertThat(svd.stdout())
                    .contains("restart always, stop SIGTERM then SIGKILL after 30s, reload after `/usr/bin/gunicorn"
                            + " --check-config --pid " + pid + " x:app` SIGHUP (confirm: new workers), start-seconds 1s,"
                            + " profile gunicorn, reopen logs SIGUSR1, removes " + pid + " before start")
                    .contains("restart always, stop SIGQUIT then SIGKILL after 10s, reload after `/usr/sbin/nginx -t -g"
                            + " daemon off;` SIGHUP (confirm: new workers) (fails on output \"[emerg]\"), start-seconds 1s, profile nginx,"
                            + " reopen logs SIGUSR1, after app")
                    .contains("warning: stopping may take up to 40s, more than svd.stop-budget 9s");
        }
    }

    @Test
    void sigtermStopsEveryProcessAndExitsZero() throws Exception {
        String workers = "sleep 1000 & echo $! >> " + dir + "/pids/web.pid; (sleep 1000 & echo $! >> " + dir
                + "/pids/web.pid);";
        Path conf = config(service("web", workers) + service("db", ""));
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 4);
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
            for (long pid : svd.recordedPids()) {
                assertThat(SvdProcess.alive(pid)).as("pid %d", pid).isFalse();
            }
            assertThat(svd.stdout()).contains("SIGTERM: stopping all services").contains("svd stopped");
        }
    }

    @Test
    void sigintStopsEverythingLikeSigterm() throws Exception {
        Path conf = config(service("web", "") + service("db", ""));
        // SvdProcess starts svd with SIGINT at its default, whatever started the test run.
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 2);
            svd.signal("INT");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
            assertThat(svd.recordedPids()).noneMatch(SvdProcess::alive);
            assertThat(svd.stdout()).contains("SIGINT: stopping all services").contains("svd stopped");
        }
    }

    @Test
    void anEssentialServiceThatFailsStopsEverythingAndSvdExits2() throws Exception {
        String crashing = "  core { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/core.pid; exit 3\"],"
                + " start-seconds = 0s, essential = true, backoff { initial = 10ms },"
                + " start-limit { burst = 2, interval = 60s } }\n";
        Path conf = config(service("web", "") + crashing);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            assertThat(svd.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(svd.recordedPids()).as("web stopped too").noneMatch(SvdProcess::alive);
            assertThat(svd.stdout()).contains("core is essential and failed");
        }
    }

    @Test
    void theStopBudgetCutsAServiceThatIgnoresTermShortAndTheExitSaysSo() throws Exception {
        String stubborn = "  stubborn { command = [\"/bin/sh\", \"-c\", \"trap '' TERM; echo $$ >> " + dir
                + "/pids/stubborn.pid; while :; do sleep 0.2; done\"], start-seconds = 0s, stop.timeout = 60s }\n";
        Path conf = config("stop-budget = 2s", stubborn);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 1);
            svd.signal("TERM");
            // far less than stubborn's own 60 s stop timeout: the 2 s budget ends it
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
            assertThat(svd.recordedPids()).noneMatch(SvdProcess::alive);
            assertThat(svd.stdout()).contains("stubborn: still stopping when the stop budget ran out");
        }
    }

    @Test
    void sigusr1ReopensTheLogFilesAfterAnOutsideRotation() throws Exception {
        String ticking = "  tick { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/tick.pid;"
                + " while :; do echo tick; sleep 0.1; done\"], start-seconds = 0s }\n";
        Path conf = config(ticking);
        Path log = dir.resolve("log/tick.log");
        Path moved = dir.resolve("log/tick.log.moved");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && Files.size(log) > 0);
            Files.move(log, moved); // what logrotate does before it signals
            svd.signal("USR1");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && Files.readString(log).contains("tick"));
            assertThat(svd.stdout()).contains("SIGUSR1: reopening log files");
        }
    }

    @Test
    void processThatLeftItsGroupIsStoppedWithItsServiceAndNamedInAWarning() throws Exception {
        String escape = "setsid sleep 1000 & echo $! >> " + dir + "/pids/web.pid;";
        Path conf = config(service("web", escape));
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 2);
            long escaped = svd.recordedPids().get(1);
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
            for (long pid : svd.recordedPids()) {
                assertThat(SvdProcess.alive(pid)).as("pid %d", pid).isFalse();
            }
            assertThat(svd.stdout()).contains("web: pid " + escaped + " (sleep 1000) left the service's process group");
        }
    }

    /**
     * Without cgroups, an orphan that exec'd with an empty environment carries no SVD_SERVICE: svd
     * cannot tell whose it is, so it is killed only when svd exits (docs/daemon.md).
     */
    @Test
    void orphanNoServiceCanBeNamedForIsKilledAtExitAndMakesExitUnclean() throws Exception {
        String escape = "(env -i setsid sleep 1000 & echo $! >> " + dir + "/pids/web.pid);";
        Path conf = config(service("web", escape));
        try (SvdProcess svd = SvdProcess.start(dir, java.util.Map.of("SVD_CGROUP", "off"), "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 2);
            // Only an orphan is beyond attribution: while the subshell that started it lives, it is a
            // descendant of web's main process and is stopped with web (found on a loaded machine).
            long orphan = svd.recordedPids().get(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> parentOf(orphan) == svd.pid());
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(1);
            for (long pid : svd.recordedPids()) {
                assertThat(SvdProcess.alive(pid)).as("pid %d", pid).isFalse();
            }
            assertThat(svd.stdout()).contains("outlived its service's process group");
        }
    }

    @Test
    void sighupAddsServicesAndLeavesUnchangedOnesAlone() throws Exception {
        Path conf = config(service("web", ""));
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 1);
            long web = svd.recordedPids().get(0);
            config(service("web", "") + service("extra", ""));
            svd.signal("HUP");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("pids/extra.pid")));
            assertThat(Files.readAllLines(dir.resolve("pids/web.pid"))).containsExactly(Long.toString(web));
            assertThat(SvdProcess.alive(web)).isTrue();
            config(service("web", "") + service("extra", "") + "  broken { command = [] }\n");
            svd.signal("HUP");
            svd.awaitLog("configuration rejected, nothing changed");
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
        }
    }

    @Test
    void servicesLeftByAKilledSvdAreStoppedBeforeARestartedSvdRunsExactlyOneOfEach() throws Exception {
        String stubborn = "  stubborn { command = [\"/bin/sh\", \"-c\", \"trap '' TERM; echo $$ >> " + dir
                + "/pids/stubborn.pid; while :; do sleep 0.2; done\"], start-seconds = 0s, stop.timeout = 1s }\n";
        Path conf = config(service("web", "") + stubborn);
        long web;
        long oldStubborn;
        // Not closed when all goes well: closing would SIGKILL the leftovers this test is about
        // (and a killed orphan stays "alive" as a zombie until PID 1 reaps it). The second svd's
        // close kills every recorded pid, the first one's included.
        SvdProcess first = SvdProcess.start(dir, "--config", conf.toString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> first.recordedPids().size() == 2);
            web = Long.parseLong(Files.readString(dir.resolve("pids/web.pid")).trim());
            oldStubborn = Long.parseLong(Files.readString(dir.resolve("pids/stubborn.pid")).trim());
            // The services may write their pids before svd has written them down (a few ms after the
            // spawns); what svd recorded is what this test is about.
            Path ledger = dir.resolve("state/processes");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(ledger)
                    && Files.readString(ledger).contains("\t" + web + "\t") && Files.readString(ledger).contains("\t" + oldStubborn + "\t"));
            first.signal("KILL");
            first.awaitExit(Duration.ofSeconds(10));
            assertThat(SvdProcess.alive(web)).as("left running by the killed svd").isTrue();
            assertThat(SvdProcess.alive(oldStubborn)).isTrue();
        } catch (Throwable t) {
            first.close();
            throw t;
        }
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(dir.resolve("pids/stubborn.pid")).size() == 2
                    && Files.readAllLines(dir.resolve("pids/web.pid")).size() == 2);
            assertThat(SvdProcess.alive(oldStubborn)).as("the leftover was stopped before the new start").isFalse();
            assertThat(SvdProcess.alive(web)).as("the leftover was stopped before the new start").isFalse();
            assertThat(svd.stdout()).contains("web: process group " + web + " was left by an earlier svd");
            assertThat(svd.stdout()).contains("stubborn: process group " + oldStubborn + " was left by an earlier svd");
            long alive = svd.recordedPids().stream().filter(SvdProcess::alive).count();
            assertThat(alive).as("one web and one stubborn").isEqualTo(2);
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(1); // stubborn needed SIGKILL
        }
    }

    @Test
    void outputGoesToTheLogFileAndPrefixedToSvdsStdout() throws Exception {
        String talk = "  talk { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/talk.pid; echo hello out;"
                + " echo hello err >&2; printf 'partial '; printf 'line\\\\n'; exec sleep 1000\"], start-seconds = 0s,"
                + " log.timestamps = false }\n"; // the raw file: the partial line is joined in it
        Path conf = config(talk);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            Path logFile = dir.resolve("log/talk.log");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(logFile)
                    && Files.readString(logFile).contains("partial line"));
            assertThat(Files.readString(logFile)).contains("hello out\n").contains("hello err\n");
            svd.awaitLog("talk | hello out");
            svd.awaitLog("talk ! hello err");
            svd.awaitLog("talk | partial line");
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
        }
    }

    @Test
    void smokeTestStartsEverythingStopsItAndSaysWhetherAllCameUp() throws Exception {
        // Ready once its pid is written: with start-seconds 0s alone, a loaded machine could see the
        // smoke test stop a shell before it wrote its pid file.
        Path good = config(service("web", "").replace("start-seconds = 0s", readyOnPidFile("web"))
                + service("db", "").replace("start-seconds = 0s", readyOnPidFile("db")));
        try (SvdProcess svd = SvdProcess.start(dir, "--smoke-test", "--config", good.toString())) {
            assertThat(svd.awaitExit(Duration.ofSeconds(30))).isEqualTo(0);
            assertThat(svd.recordedPids()).hasSize(2).noneMatch(SvdProcess::alive);
        }
        Path bad = config(service("web", "") + "  broken { command = [\"/bin/false\"], start-seconds = 1s,"
                + " start-limit.burst = 1 }\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--smoke-test", "--config", bad.toString())) {
            assertThat(svd.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(svd.stdout()).contains("not every service came up");
        }
    }

    private String readyOnPidFile(String name) {
        return "ready { exec { command = [\"test\", \"-s\", \"" + dir + "/pids/" + name + ".pid\"] }, interval = 100ms }";
    }

    /** The parent pid from /proc/PID/stat (fields after the command's closing parenthesis), or -1. */
    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
