package dev.svd.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master killed from outside (SIGKILL) in the reference deployment: svd restarts it, clearing
 * the workers it left first, so the site comes back without a hand on the machine (field notes,
 * problem 3; real-stack notes, pitfall 10).
 */
class CrashRecoveryIT {
    @TempDir
    Path dir;

    @Test
    void gunicornKilledIsRestartedAndNginxAnswers502OnlyUntilItIsBack() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("/venv/bin/gunicorn");
            await().atMost(Duration.ofSeconds(20)).until(() -> master.children().count() == 3);
            Set<Long> oldWorkers = master.children().map(ProcessHandle::pid).collect(Collectors.toSet());

            master.destroyForcibly(); // SIGKILL
            List<Integer> statuses = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                ReferenceStack.Response r = stack.https("/");
                statuses.add(r.status());
                return r.status() == 200 && r.worker().filter(w -> !oldWorkers.contains(w)).isPresent();
            });

            // Before the new workers answer: 200 from an old worker not yet killed, or 502 from
            // nginx; never a failure of nginx itself (0) or another error.
            assertThat(statuses).as("statuses until a new worker answered").allMatch(s -> s == 200 || s == 502);
            for (int i = 0; i < 10; i++) {
                assertThat(stack.https("/").status()).as("once gunicorn is back").isEqualTo(200);
            }
            assertThat(stack.master("/venv/bin/gunicorn")).get().extracting(ProcessHandle::pid).isNotEqualTo(master.pid());
            assertThat(stack.lines("gunicorn: running -> starting")).as(stack.output())
                    .singleElement().asString().contains("killed by SIGKILL");
            assertThat(stack.lines("nginx: running ->")).as("nginx is not restarted with it\n" + stack.output()).isEmpty();
        }
    }

    @Test
    void nginxKilledIsRestartedAndBindsItsPortsAtTheFirstAttempt() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("nginx: master");
            await().atMost(Duration.ofSeconds(20)).until(() -> master.children().count() == 2);
            List<ProcessHandle> oldWorkers = master.children().toList();

            // The workers outlive a SIGKILLed master and keep the ports (real-stack notes, section 7).
            master.destroyForcibly();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> stack.master("nginx: master").filter(m -> m.pid() != master.pid()).isPresent());
            ProcessHandle restarted = stack.master("nginx: master").orElseThrow();
            assertThat(oldWorkers).as("the old workers were cleared").noneMatch(ReferenceStack::running);

            // An nginx that cannot bind logs "bind() to ... failed (98: Address already in use)" on
            // stderr (which svd echoes), retries 5 times, 500 ms apart, then exits 1; it starts its
            // workers only once bound. So: its workers run, it never logged a failed bind, and it is
            // still alive after 3 s. (This was "workers within 400 ms of the master": a speed, issue 11.)
            await().atMost(Duration.ofSeconds(10)).until(() -> restarted.children().count() == 2);
            assertThat(stack.lines("Address already in use")).as(stack.output()).isEmpty();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> ReferenceStack.running(restarted));
            await().atMost(Duration.ofSeconds(10)).until(() -> stack.https("/").status() == 200);
            assertThat(stack.http("/.well-known/acme-challenge/health.txt").status()).isEqualTo(200);
            Set<Long> newNginx = restarted.descendants().map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
            newNginx.add(restarted.pid());
            for (int port : List.of(stack.httpPort, stack.httpsPort)) {
                assertThat(stack.listeners(port)).as("holders of port %d", port).isNotEmpty().allMatch(newNginx::contains);
            }

            assertThat(stack.lines("nginx: running -> starting")).as(stack.output())
                    .singleElement().asString().contains("killed by SIGKILL");
            assertThat(stack.lines("nginx: ")).as(stack.output()).noneMatch(l -> l.contains("backoff"));
            // nginx's own error log (stderr), which svd prints prefixed with "nginx ! ": the new
            // master's lines are there, and no failed bind among them.
            long firstWorker = restarted.children().findFirst().orElseThrow().pid();
            assertThat(stack.lines("nginx ! ")).as(stack.output())
                    .anyMatch(l -> l.contains("start worker process " + firstWorker))
                    .noneMatch(l -> l.contains("Address already in use") || l.contains("could not bind"));
        }
    }
}
