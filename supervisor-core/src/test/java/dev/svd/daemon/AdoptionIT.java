package dev.svd.daemon;

import dev.svd.certs.SvdSocket;
import dev.svd.protocol.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code on-leftover = adopt} (issue 7): a service a SIGKILLed svd left running is taken over by the
 * next svd instead of being stopped: same process, its output read on (what it wrote while no svd
 * read is kept), stopped, restarted and signalled like any other; a changed service is not adopted.
 */
class AdoptionIT {
    @TempDir
    Path dir;

    private Path config(String services) throws Exception {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\" }\nservices {\n" + services + "}\n");
        return conf;
    }

    /**
     * Records its pid, then prints the content of {@code say-NAME} whenever that file appears and
     * removes it: output on demand, so nothing is written while no svd reads unless a test asks.
     */
    private String talker(String name, String extra) {
        Path say = dir.resolve("say-" + name);
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/" + name + ".pid; "
                + "while :; do if [ -f " + say + " ]; then cat " + say + "; rm -f " + say + "; fi; sleep 0.05; done\"], "
                + "start-seconds = 0s, stop.timeout = 5s" + extra + " }\n";
    }

    private void say(String name, String text) throws Exception {
        Path tmp = dir.resolve("say.tmp");
        Files.writeString(tmp, text + "\n");
        Files.move(tmp, dir.resolve("say-" + name), StandardCopyOption.ATOMIC_MOVE);
    }

    private List<Long> pids(String name) throws Exception {
        Path f = dir.resolve("pids/" + name + ".pid");
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList()
                : List.of();
    }

    private String log(String name) throws Exception {
        Path f = dir.resolve("log/" + name + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static JsonObject names(String name) {
        return JsonObject.builder().put("names", dev.svd.protocol.JsonArray.ofStrings(List.of(name))).build();
    }

    private void awaitRecorded(long pid) {
        Path ledger = dir.resolve("state/processes");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(ledger)
                && Files.readString(ledger).contains("\t" + pid + "\t"));
    }

    /** Runs svd on {@code conf} until talk runs and is recorded, then SIGKILLs svd; returns talk's pid. */
    private long runTalkThenKillSvd(Path conf) throws Exception {
        SvdProcess first = SvdProcess.start(dir, "--config", conf.toString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> pids("talk").size() == 1);
            long talk = pids("talk").get(0);
            awaitRecorded(talk);
            killSvd(first);
            return talk;
        } catch (Throwable t) {
            first.close(); // not when all goes well: closing would SIGKILL the leftover this test is about
            throw t;
        }
    }

    /** Kills svd with SIGKILL, its services left running. */
    private static void killSvd(SvdProcess svd) throws Exception {
        svd.signal("KILL");
        svd.awaitExit(Duration.ofSeconds(10));
    }

    @Test
    void aRestartedSvdAdoptsTheServiceReadsOnAndSupervisesIt() throws Exception {
        Path conf = config(talker("talk", ", on-leftover = adopt") + talker("plain", ""));
        long talk;
        long oldPlain;
        SvdProcess first = SvdProcess.start(dir, "--config", conf.toString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> pids("talk").size() == 1 && pids("plain").size() == 1);
            talk = pids("talk").get(0);
            oldPlain = pids("plain").get(0);
            awaitRecorded(talk);
            awaitRecorded(oldPlain);
            say("talk", "before the crash");
            await().atMost(Duration.ofSeconds(20)).until(() -> log("talk").contains("before the crash"));
            // Written while svd cannot read: the line waits in the named pipe for the next svd.
            first.signal("STOP");
            say("talk", "while svd was stopped");
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(dir.resolve("say-talk")));
            killSvd(first);
            assertThat(SvdProcess.alive(talk)).as("left running by the killed svd").isTrue();
        } catch (Throwable t) {
            first.close();
            throw t;
        }

        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            svd.awaitLog("talk: adopting process group " + talk + " left by an earlier svd (on-leftover = adopt)");
            await().atMost(Duration.ofSeconds(20)).until(() -> pids("plain").size() == 2);
            assertThat(SvdProcess.alive(oldPlain)).as("on-leftover = stop (the default)").isFalse();
            assertThat(pids("talk")).as("not started again; svd:\n%s", svd.stdout()).containsExactly(talk);
            assertThat(SvdProcess.alive(talk)).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> log("talk").contains("while svd was stopped"));
            say("talk", "after the adoption");
            await().atMost(Duration.ofSeconds(20)).until(() -> log("talk").contains("after the adoption"));
            svd.awaitLog("talk | after the adoption");

            svd.awaitLog("control: listening on "); // issue 11: the adoption is logged before the socket listens
            SvdSocket socket = new SvdSocket(dir.resolve("svd.sock"));
            JsonObject status = socket.call("status", names("talk"));
            assertThat(status.toString()).contains("\"state\":\"running\"").contains("\"pid\":" + talk)
                    .contains("adopted from an earlier svd");

            // Its end is noticed although it is not svd's child, and the restart policy applies.
            new ProcessBuilder("kill", "-KILL", Long.toString(talk)).start().waitFor();
            await().atMost(Duration.ofSeconds(20)).until(() -> pids("talk").size() == 2);
            long second = pids("talk").get(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> SvdProcess.alive(second));
            assertThat(svd.stdout()).containsPattern("talk: running -> starting \\((killed by SIGKILL"
                    + "|ended \\(status unknown: not svd's child\\)); restarting\\)");

            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
            assertThat(SvdProcess.alive(second)).isFalse();
            assertThat(SvdProcess.alive(talk)).isFalse();
        }
    }

    @Test
    void anAdoptedServiceIsStoppedByTheOperatorAndWithSvd() throws Exception {
        Path conf = config(talker("talk", ", on-leftover = adopt"));
        long talk = runTalkThenKillSvd(conf);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            svd.awaitLog("talk: adopting process group " + talk);
            svd.awaitLog("control: listening on "); // issue 11: connection refused on a slow machine otherwise
            SvdSocket socket = new SvdSocket(dir.resolve("svd.sock"));
            await().atMost(Duration.ofSeconds(20)).until(() -> socket.call("status", names("talk"))
                    .toString().contains("\"pid\":" + talk));

            socket.call("stop", names("talk"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !SvdProcess.alive(talk));
            await().atMost(Duration.ofSeconds(20)).until(() -> socket.call("status", names("talk"))
                    .toString().contains("\"state\":\"stopped\""));
            assertThat(pids("talk")).as("stopped, not restarted").hasSize(1);

            socket.call("start", names("talk"));
            await().atMost(Duration.ofSeconds(20)).until(() -> pids("talk").size() == 2);
            long second = pids("talk").get(1);
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
            assertThat(SvdProcess.alive(second)).isFalse();
        }
    }

    @Test
    void checkShowsWhichServicesAdoptLeftovers() throws Exception {
        Path conf = config(talker("talk", ", on-leftover = adopt") + talker("plain", ""));
        try (SvdProcess check = SvdProcess.start(dir, "--check", conf.toString())) {
            assertThat(check.awaitExit(Duration.ofSeconds(20))).isZero();
            String out = check.stdout();
            int adopts = out.indexOf(", adopts leftovers");
            assertThat(adopts).as(out).isBetween(out.indexOf("  talk:"), out.indexOf("  plain:"));
            assertThat(out.indexOf(", adopts leftovers", adopts + 1)).as("plain keeps the default").isEqualTo(-1);
        }
    }

    @Test
    void aServiceWhoseCommandChangedIsStoppedAndStartedAfreshNotAdopted() throws Exception {
        Path conf = config(talker("talk", ", on-leftover = adopt"));
        long talk = runTalkThenKillSvd(conf);
        config(talker("talk", ", on-leftover = adopt, environment { CHANGED = yes }"));
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> pids("talk").size() == 2);
            assertThat(SvdProcess.alive(talk)).as("the old process was stopped first").isFalse();
            assertThat(svd.stdout()).contains("talk: cannot adopt process group " + talk
                    + " left by an earlier svd: its command, directory, environment or user has changed since")
                    .contains("talk: process group " + talk + " was left by an earlier svd; stopping it");
            svd.signal("TERM");
            assertThat(svd.awaitExit(Duration.ofSeconds(20))).isEqualTo(0);
        }
    }
}
