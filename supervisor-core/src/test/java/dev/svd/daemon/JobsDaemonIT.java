package dev.svd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** svd as a process with jobs: a run missed while it was down, and a running job when svd stops. */
class JobsDaemonIT {
    @TempDir
    Path dir;

    private Path config(String job) throws Exception {
        Files.createDirectories(dir.resolve("pids"));
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\", stop-budget = 2s }\n"
                + "services { idle { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/idle.pid; exec sleep 1000\"],"
                + " start-seconds = 0s } }\n"
                + "jobs {\n" + job + "}\n");
        return conf;
    }

    /** Starts a run of job {@code name} through the control socket as svctl would, without waiting for its answer. */
    private Process startRun(String name) throws Exception {
        return new ProcessBuilder("/bin/sh", "-c", "printf '%s\\n' '{\"v\":1,\"id\":\"1\",\"cmd\":\"run\","
                + "\"args\":{\"name\":\"" + name + "\"}}' | python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX);"
                + " s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read()); print(s.makefile().readline())' "
                + dir + "/svd.sock").redirectErrorStream(true).start();
    }

    @Test
    void aPersistentJobMissedWhileSvdWasDownRunsAfterStart() throws Exception {
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        Files.createDirectories(dir.resolve("state/jobs"));
        Files.writeString(dir.resolve("state/jobs/renew.json"), "{\"job\":\"renew\",\"started\":\"" + yesterday
                + "\",\"ended\":\"" + yesterday + "\",\"ok\":true,\"result\":\"exited 0\"}");
        Path conf = config("  renew { schedule = \"@daily\", random-delay = 2s, persistent = true,"
                + " command = [\"/bin/sh\", \"-c\", \"echo renewed\"] }\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> svd.stdout().contains("job renew: exited 0 after"));
            assertThat(svd.stdout()).contains("job renew: its run of ").contains("was missed while svd was down")
                    .contains("job renew: started (missed)");
            assertThat(Files.readString(dir.resolve("log/job-renew.log"))).contains("renewed\n");
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
        }
    }

    @Test
    void aJobRunningWhenSvdStopsIsKilledWithinTheStopBudget() throws Exception {
        Path conf = config("  slow { schedule = \"@daily\", command = [\"/bin/sh\", \"-c\", \"sleep 1000 & echo $! >> "
                + dir + "/pids/slow.pid; wait\"] }\n");
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 1);
            Process run = startRun("slow");
            await().atMost(Duration.ofSeconds(20)).until(() -> svd.recordedPids().size() == 2);
            long stopAsked = System.nanoTime();
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
            assertThat(Duration.ofNanos(System.nanoTime() - stopAsked)).isLessThan(Duration.ofSeconds(8));
            for (long pid : svd.recordedPids()) {
                assertThat(SvdProcess.alive(pid)).as("pid %d", pid).isFalse();
            }
            assertThat(svd.stdout()).contains("job slow: failed: killed: svd is stopping after");
            assertThat(Files.readString(dir.resolve("log/job-slow.log"))).contains(" slow: killed: svd is stopping after");
            run.destroy();
        }
    }

    @Test
    void aJobLeftRunningByAKilledSvdIsStoppedBeforeTheNextSvdStartsAnything() throws Exception {
        Path conf = config("  slow { schedule = \"@daily\", command = [\"/bin/sh\", \"-c\", \"echo $$ >> "
                + dir + "/pids/slow.pid; exec sleep 1000\"] }\n");
        long job;
        SvdProcess first = SvdProcess.start(dir, "--config", conf.toString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> first.recordedPids().size() == 1);
            startRun("slow").getOutputStream().close();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("pids/slow.pid"))
                    && !Files.readString(dir.resolve("pids/slow.pid")).isBlank());
            job = Long.parseLong(Files.readString(dir.resolve("pids/slow.pid")).trim());
            Path ledger = dir.resolve("state/processes");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(ledger).contains("job-slow\t" + job + "\t"));
            first.signal("KILL");
            first.awaitExit(Duration.ofSeconds(10));
            assertThat(SvdProcess.alive(job)).as("left running by the killed svd").isTrue();
        } catch (Throwable t) {
            first.close();
            throw t;
        }
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readAllLines(dir.resolve("pids/idle.pid")).size() == 2);
            assertThat(svd.stdout()).contains("job-slow: process group " + job + " was left by an earlier svd; stopping it");
            assertThat(SvdProcess.alive(job)).as("stopped before the services started again").isFalse();
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
        }
    }
}
