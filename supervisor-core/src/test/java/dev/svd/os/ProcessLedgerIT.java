package dev.svd.os;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger of process groups with real processes: what counts as left behind, and what never does. */
class ProcessLedgerIT {
    @TempDir
    Path dir;

    private Process leader;

    @AfterEach
    void stop() throws Exception {
        if (leader != null) {
            leader.destroyForcibly();
            leader.waitFor();
        }
    }

    /** A process that leads its own group and session, as svd's services do. */
    private int startGroupLeader() throws Exception {
        leader = groupLeader();
        return (int) leader.pid();
    }

    /**
     * setsid sleep, returned once its group exists: setsid(2) runs a moment after start() returns,
     * and a group signalled before that is not there to receive it (svd's spawns are leaders at once).
     */
    private static Process groupLeader() throws Exception {
        Process p = new ProcessBuilder("setsid", "sleep", "1000").start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Kernel.groupAlive((int) p.pid()));
        return p;
    }

    @Test
    void aRecordedGroupThatStillRunsIsALeftover() throws Exception {
        int pid = startGroupLeader();
        ProcessLedger ledger = new ProcessLedger(dir);
        ledger.added("web", pid);
        ledger.flush();
        List<ProcessLedger.Leftover> found = new ProcessLedger(dir).leftovers();
        assertThat(found).containsExactly(new ProcessLedger.Leftover("web", pid, true, ProcFs.startTime(pid),
                java.util.Optional.empty()));
    }

    @Test
    void anAdoptableGroupCarriesTheLaunchDigestItWasSpawnedWith() throws Exception {
        int pid = startGroupLeader();
        ProcessLedger ledger = new ProcessLedger(dir);
        ledger.added("nginx", pid, "0123456789abcdef");
        ledger.flush();
        assertThat(new ProcessLedger(dir).leftovers()).containsExactly(new ProcessLedger.Leftover("nginx", pid, true,
                ProcFs.startTime(pid), java.util.Optional.of("0123456789abcdef")));
    }

    @Test
    void stoppingSomeLeftoversKeepsWhatThisSvdRecordedAndStopsOnlyThose() throws Exception {
        int kept = startGroupLeader();
        Process other = groupLeader();
        try {
            ProcessLedger old = new ProcessLedger(dir);
            old.added("nginx", kept, "0123456789abcdef");
            old.added("web", (int) other.pid());
            old.flush();
            ProcessLedger next = new ProcessLedger(dir);
            List<ProcessLedger.Leftover> found = next.leftovers();
            next.added("nginx", kept, "0123456789abcdef"); // adopted
            next.stop(found.stream().filter(l -> l.service().equals("web")).toList(), Duration.ofSeconds(5));

            // Not other.waitFor(): a reaper another IT attached in this JVM may take its exit status.
            int stopped = (int) other.pid();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ProcFs.liveProcess(stopped));
            assertThat(ProcFs.liveProcess(kept)).as("the adopted one").isTrue();
            assertThat(new ProcessLedger(dir).leftovers()).extracting(ProcessLedger.Leftover::pgid).containsExactly(kept);
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aReusedPidIsAStrangerAndIsNeverSignalled() throws Exception {
        int pid = startGroupLeader();
        ProcessLedger ledger = new ProcessLedger(dir);
        ledger.added("web", pid);
        ledger.flush();
        // The same pid with another start time: what a reused pid looks like to the next svd.
        Path file = dir.resolve("processes");
        String recorded = Files.readString(file, StandardCharsets.UTF_8);
        long start = ProcFs.startTime(pid);
        Files.writeString(file, recorded.replace(pid + "\t" + start, pid + "\t" + (start - 1)), StandardCharsets.UTF_8);

        ProcessLedger next = new ProcessLedger(dir);
        assertThat(next.leftovers()).isEmpty();
        next.stopLeftovers(Duration.ofSeconds(1));
        assertThat(leader.isAlive()).as("the stranger with the reused pid").isTrue();
    }

    @Test
    void aGroupWhoseLeaderIsGoneButAMemberRunsIsALeftoverAndIsStopped() throws Exception {
        // The leader starts a member in its group, then is killed: the member keeps the group alive.
        Path memberPid = dir.resolve("member");
        leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & echo $! > " + memberPid + "; exec sleep 1000")
                .start();
        int pgid = (int) leader.pid();
        ProcessLedger ledger = new ProcessLedger(dir);
        ledger.added("job", pgid);
        ledger.flush();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(memberPid) && !Files.readString(memberPid).isBlank());
        int member = Integer.parseInt(Files.readString(memberPid).trim());
        long start = ProcFs.startTime(pgid);
        leader.destroyForcibly();
        leader.waitFor();
        try {
            ProcessLedger next = new ProcessLedger(dir);
            assertThat(next.leftovers()).containsExactly(new ProcessLedger.Leftover("job", pgid, false, start,
                    java.util.Optional.empty()));
            next.stopLeftovers(Duration.ofSeconds(5));
            assertThat(ProcFs.liveProcess(member)).as("the member was stopped").isFalse();
        } finally {
            Kernel.signalProcess(member, dev.svd.config.Signal.KILL);
        }
    }
}
