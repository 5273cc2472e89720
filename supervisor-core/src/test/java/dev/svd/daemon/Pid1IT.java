package dev.svd.daemon;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * svd as PID 1 of a fresh PID namespace, as in a container: orphans are reaped, SIGTERM stops the
 * services in reverse order and svd exits 0; QUIT and USR2 do not bring it down.
 */
class Pid1IT {
    @TempDir
    Path dir;
    private Process unshare;

    @AfterEach
    void cleanUp() throws Exception {
        if (unshare != null && unshare.isAlive()) {
            for (long pid : namespacePids()) {
                new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
            }
            unshare.destroyForcibly();
        }
    }

    private List<Long> namespacePids() {
        List<Long> out = new ArrayList<>();
        unshare.toHandle().descendants().forEach(h -> out.add(h.pid()));
        return out;
    }

    /** The host pid of the namespace's PID 1: the only child of unshare --fork. */
    private long pid1() {
        await().atMost(Duration.ofSeconds(10)).until(() -> unshare.toHandle().children().count() == 1);
        return unshare.toHandle().children().findFirst().orElseThrow().pid();
    }

    private static String stat(long pid) throws Exception {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.substring(s.lastIndexOf(')') + 2);
    }

    /** Zombies whose parent is {@code parent}: what PID 1 failed to reap. */
    private static List<Long> zombiesOf(long parent) throws Exception {
        List<Long> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String[] f = stat(Long.parseLong(p.getFileName().toString())).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == parent) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) {
                    // exited while we looked
                }
            }
        }
        return out;
    }

    @Test
    void asPid1SvdReapsOrphansAndStopsInReverseOrderOnSigterm() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "unshare --pid needs root");
        Path order = dir.resolve("order");
        String trap = "trap 'echo %s >> " + order + "; exit 0' TERM; ";
        // "orphans" double-forks short-lived children that are reparented to PID 1 when they end
        String orphans = "while :; do (sleep 0.05 &) ; (sh -c 'sleep 0.1' &) ; sleep 0.2; done";
        Files.writeString(dir.resolve("svd.conf"), "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir
                + "/log\", state-dir = \"" + dir + "/state\", stop-budget = 5s }\nservices {\n"
                + "  db { command = [\"/bin/sh\", \"-c\", \"" + trap.formatted("db") + "while :; do sleep 0.1; done\"], start-seconds = 0s }\n"
                + "  app { command = [\"/bin/sh\", \"-c\", \"" + trap.formatted("app") + orphans + "\"], depends-on = [db], start-seconds = 0s }\n"
                + "}\n");
        List<String> cmd = List.of("unshare", "--pid", "--fork", "--mount-proc",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                Svd.class.getName(), "--config", dir.resolve("svd.conf").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                .redirectErrorStream(true).redirectInput(new File("/dev/null"));
        pb.environment().put("_JAVA_SR_SIGNUM", "40");
        unshare = pb.start();
        long svd = pid1();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("out")).contains("app: starting -> running"));
        assertThat(Files.readString(Path.of("/proc/" + svd + "/status"))).contains("NSpid:\t" + svd + "\t1");

        // orphans keep ending; none of them may stay a zombie of PID 1
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> noLastingZombie(svd));

        // the JVM's own signals must not stop svd or its services
        new ProcessBuilder("kill", "-QUIT", Long.toString(svd)).start().waitFor();
        new ProcessBuilder("kill", "-USR2", Long.toString(svd)).start().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("out")).contains("SIGUSR2 ignored"));
        assertThat(unshare.isAlive()).isTrue();

        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(svd)).start().waitFor();
        assertThat(unshare.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(unshare.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(5)); // the stop budget
        assertThat(Files.readAllLines(order)).containsExactly("app", "db");
    }

    private static boolean noLastingZombie(long parent) throws Exception {
        for (long z : zombiesOf(parent)) {
            if (!isYoung(z)) {
                return false;
            }
        }
        return true;
    }

    /** A zombie may exist for a moment between its death and the reaper's waitid; only a lasting one is a bug. */
    private static boolean isYoung(long zombie) throws Exception {
        long start;
        try {
            start = Long.parseLong(stat(zombie).split(" ")[19]);
        } catch (java.io.IOException reaped) {
            return true; // gone since the scan: reaped
        }
        long uptimeTicks = (long) (Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]) * 100);
        return uptimeTicks - start < 100; // younger than about 1 s
    }
}
