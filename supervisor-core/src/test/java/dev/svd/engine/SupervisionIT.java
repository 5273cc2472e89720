package dev.svd.engine;

import dev.svd.config.BackoffSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.StartLimitSpec;
import dev.svd.config.StopSpec;
import dev.svd.lifecycle.FailureKind;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.Kernel;
import dev.svd.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Supervision with real processes: restarts, exact exit status, backoff, start limit, stop escalation, groups. */
class SupervisionIT {
    @TempDir
    Path dir;

    private static ServiceSpec sh(String name, String script) {
        return ServiceSpec.of(name, List.of("/bin/sh", "-c", script)).withStartSeconds(Duration.ZERO);
    }

    @Test
    void crashRestartsAtOnceWithNewPid() {
        try (RunningEngine r = new RunningEngine(dir, sh("svc", "exec sleep 1000")).start()) {
            int first = r.awaitState("svc", ServiceState.RUNNING).pid();
            Kernel.signalProcess(first, Signal.KILL);
            await().atMost(Duration.ofSeconds(10)).until(() -> r.snapshot("svc").state() == ServiceState.RUNNING
                    && r.snapshot("svc").pid() != first);
            ServiceSnapshot s = r.snapshot("svc");
            assertThat(s.restarts()).isEqualTo(1);
            assertThat(s.lastExit()).hasValueSatisfying(e -> assertThat(e.toString()).isEqualTo("killed by SIGKILL"));
        }
    }

    @Test
    void exitCodeIsExactNotConfusedWithSignal() {
        try (RunningEngine r = new RunningEngine(dir, sh("svc", "exit 9").withRestart(RestartPolicy.NEVER)).start()) {
            ServiceSnapshot s = r.awaitState("svc", ServiceState.EXITED);
            assertThat(s.lastExit().orElseThrow().toString()).isEqualTo("exited 9");
            assertThat(s.reason()).contains("exited 9").contains("restart = never");
        }
    }

    @Test
    void exit127IsAnExitNotASpawnFailure() {
        try (RunningEngine r = new RunningEngine(dir, sh("svc", "exit 127").withRestart(RestartPolicy.NEVER)).start()) {
            assertThat(r.awaitState("svc", ServiceState.EXITED).lastExit().orElseThrow().toString()).isEqualTo("exited 127");
        }
    }

    @Test
    void onFailureRestartsOnlyAfterFailure() {
        ServiceSpec ok = sh("ok", "exit 0").withRestart(RestartPolicy.ON_FAILURE);
        ServiceSpec bad = sh("bad", "exit 3").withRestart(RestartPolicy.ON_FAILURE)
                .withStartLimit(new StartLimitSpec(3, Duration.ofSeconds(60)));
        ServiceSpec always = sh("always", "exit 0").withStartLimit(new StartLimitSpec(3, Duration.ofSeconds(60)));
        try (RunningEngine r = new RunningEngine(dir, ok, bad, always).start()) {
            assertThat(r.awaitState("ok", ServiceState.EXITED).restarts()).isZero();
            ServiceSnapshot b = r.awaitState("bad", ServiceState.FAILED);
            assertThat(b.restarts()).isEqualTo(2);
            assertThat(b.reason()).contains("exited 3").contains("start limit hit: 3 starts within 1m");
            assertThat(r.awaitState("always", ServiceState.FAILED).restarts()).isEqualTo(2);
        }
    }

    @Test
    void backoffGrowsBetweenQuickCrashes() {
        ServiceSpec loop = sh("loop", "exit 1")
                .withBackoff(new BackoffSpec(Duration.ofMillis(40), Duration.ofMillis(200), Duration.ofSeconds(10)))
                .withStartLimit(new StartLimitSpec(7, Duration.ofSeconds(60)));
        try (RunningEngine r = new RunningEngine(dir, loop).start()) {
            r.awaitState("loop", ServiceState.FAILED);
            List<Long> delays = new ArrayList<>();
            Pattern p = Pattern.compile("restarting in (\\d+)ms");
            for (ServiceEvent e : r.engine.recentEvents(100)) {
                Matcher m = p.matcher(e.reason());
                if (m.find()) {
                    delays.add(Long.parseLong(m.group(1)));
                }
            }
            // crash 1 restarts at once; then 40, 80, 160, 200 (cap), 200 ms, each jittered into [d/2, d]
            assertThat(delays).hasSize(5);
            assertThat(delays.get(0)).isBetween(20L, 40L);
            assertThat(delays.get(1)).isBetween(40L, 80L);
            assertThat(delays.get(2)).isBetween(80L, 160L);
            assertThat(delays.get(3)).isBetween(100L, 200L);
            assertThat(delays.get(4)).isBetween(100L, 200L);
        }
    }

    @Test
    void backoffResetsAfterStableRun() throws Exception {
        Path marker = dir.resolve("runs");
        // The first two runs crash quickly; the third stays up past stable-after, then crashes.
        String script = "echo x >> " + marker + "; n=$(wc -l < " + marker + "); "
                + "if [ \"$n\" -eq 3 ]; then read _ < /dev/zero & exec sleep 0.5; fi; exit 1";
        ServiceSpec svc = sh("svc", script)
                .withBackoff(new BackoffSpec(Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(300)))
                .withStartLimit(new StartLimitSpec(100, Duration.ofSeconds(60)));
        try (RunningEngine r = new RunningEngine(dir, svc).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker) && Files.readAllLines(marker).size() >= 4);
            List<String> reasons = r.engine.recentEvents(100).stream().map(ServiceEvent::reason).toList();
            // run 3 stayed up 0.5s > stable-after 0.3s, so its crash counts as a first crash again: immediate restart
            int stableCrash = -1;
            for (int i = 0; i < reasons.size(); i++) {
                if (reasons.get(i).equals("exited 1; restarting") && i > 0) {
                    stableCrash = i;
                }
            }
            assertThat(stableCrash).as("events: %s", reasons).isPositive();
        }
    }

    /**
     * Judged by svd's own events, not by when each shell got to run {@code date}: on a slow machine a
     * shell may run hundreds of milliseconds after its spawn (issue 11).
     */
    @Test
    void dependenciesStartInOrderAfterStartSeconds() throws Exception {
        String stamp = "echo up > " + dir + "/%s.started; exec sleep 1000";
        ServiceSpec db = sh("db", stamp.formatted("db")).withStartSeconds(Duration.ofMillis(300));
        ServiceSpec app = sh("app", stamp.formatted("app")).withDependsOn(List.of("db"))
                .withStartSeconds(Duration.ofMillis(300));
        ServiceSpec web = sh("web", stamp.formatted("web")).withDependsOn(List.of("app"));
        ServiceSpec side = sh("side", stamp.formatted("side"));
        try (RunningEngine r = new RunningEngine(dir, web, app, db, side).start()) {
            r.awaitState("web", ServiceState.RUNNING);
            for (String name : List.of("db", "app", "web", "side")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve(name + ".started")));
            }
            List<ServiceEvent> events = r.engine.recentEvents(100);
            ServiceEvent dbStarting = event(events, "db", ServiceState.STARTING);
            ServiceEvent dbRunning = event(events, "db", ServiceState.RUNNING);
            ServiceEvent appStarting = event(events, "app", ServiceState.STARTING);
            ServiceEvent appRunning = event(events, "app", ServiceState.RUNNING);
            ServiceEvent webStarting = event(events, "web", ServiceState.STARTING);
            ServiceEvent sideStarting = event(events, "side", ServiceState.STARTING);
            assertThat(Duration.between(dbStarting.at(), dbRunning.at())).as("db's start-seconds")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(appStarting.seq()).as("app waits for db's start-seconds").isGreaterThan(dbRunning.seq());
            assertThat(webStarting.seq()).as("web waits for app's start-seconds").isGreaterThan(appRunning.seq());
            assertThat(sideStarting.seq()).as("independent services start in parallel").isLessThan(dbRunning.seq());
        }
    }

    private static ServiceEvent event(List<ServiceEvent> events, String service, ServiceState to) {
        return events.stream().filter(e -> e.service().equals(service) && e.to() == to).findFirst()
                .orElseThrow(() -> new AssertionError("no " + service + " -> " + to + " in " + events));
    }

    @Test
    void stopEscalatesToSigkillForProcessIgnoringTerm() {
        ServiceSpec stubborn = sh("stubborn", "trap '' TERM; while :; do sleep 0.1; done")
                .withStop(new StopSpec(Signal.TERM, Duration.ofMillis(400)));
        try (RunningEngine r = new RunningEngine(dir, stubborn).start()) {
            int pid = r.awaitState("stubborn", ServiceState.RUNNING).pid();
            ActionResult result = r.engine.stop("stubborn", Duration.ofSeconds(10)).join();
            assertThat(result.ok()).isTrue();
            ServiceSnapshot s = r.snapshot("stubborn");
            assertThat(s.state()).isEqualTo(ServiceState.STOPPED);
            assertThat(s.reason()).isEqualTo("stop timed out after 400ms; killed by SIGKILL");
            assertThat(Kernel.groupAlive(pid)).isFalse();
        }
    }

    @Test
    void stopLeavesNoWorkerBehind() throws Exception {
        Path pids = dir.resolve("workers");
        ServiceSpec master = sh("master", "sleep 1000 & echo $! >> " + pids + "; (sleep 1000 & echo $! >> " + pids
                + ") ; wait");
        try (RunningEngine r = new RunningEngine(dir, master).start()) {
            int pid = r.awaitState("master", ServiceState.RUNNING).pid();
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);
            List<Integer> workers = Files.readAllLines(pids).stream().map(Integer::parseInt).toList();
            assertThat(r.engine.stop("master", Duration.ofSeconds(10)).join().ok()).isTrue();
            assertThat(Kernel.groupAlive(pid)).isFalse();
            for (int w : workers) {
                assertThat(Kernel.processAlive(w)).as("worker %d", w).isFalse();
            }
        }
    }

    @Test
    void masterKilledWhileWorkersHoldPipesIsNoticedAndGroupCleared() throws Exception {
        Path pids = dir.resolve("worker");
        // The worker inherits stdout/stderr: a supervisor that waited for end of file would see the master's death only when the worker exits.
        ServiceSpec master = sh("master", "sleep 1000 & echo $! > " + pids + "; wait");
        try (RunningEngine r = new RunningEngine(dir, master).start()) {
            int pid = r.awaitState("master", ServiceState.RUNNING).pid();
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(pids) && !Files.readString(pids).isBlank());
            int worker = Integer.parseInt(Files.readString(pids).trim());
            Kernel.signalProcess(pid, Signal.KILL);
            await().atMost(Duration.ofSeconds(5)).until(() -> r.snapshot("master").pid() != pid
                    && r.snapshot("master").state() == ServiceState.RUNNING);
            assertThat(Kernel.processAlive(worker)).isFalse();
            assertThat(Kernel.groupAlive(pid)).isFalse();
        }
    }

    @Test
    void missingBinaryFailsWithTheCause() {
        ServiceSpec svc = ServiceSpec.of("ghost", List.of("no-such-program-svd")).withStartSeconds(Duration.ZERO);
        try (RunningEngine r = new RunningEngine(dir, svc).start()) {
            ServiceSnapshot s = r.awaitState("ghost", ServiceState.FAILED);
            assertThat(s.reason()).startsWith("cannot start: command not found: no-such-program-svd (searched PATH=");
        }
    }

    @Test
    void anOperatorStartAnswersSpawnFailedForASpawnFailureAndFailedForAnExit() throws Exception {
        ServiceSpec ghost = ServiceSpec.of("ghost", List.of("no-such-program-svd")).withStartSeconds(Duration.ZERO);
        // start-seconds: it exits while starting, before a start could count as done
        ServiceSpec quits = sh("quits", "exit 3").withRestart(RestartPolicy.NEVER).withStartSeconds(Duration.ofMinutes(1));
        try (RunningEngine r = new RunningEngine(dir, ghost, quits).start()) {
            r.awaitState("ghost", ServiceState.FAILED);
            r.awaitState("quits", ServiceState.EXITED);

            ActionResult spawn = r.engine.start("ghost", Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS);
            ActionResult exit = r.engine.start("quits", Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS);

            assertThat(spawn.error()).as(spawn.message()).isEqualTo(ErrorCode.SPAWN_FAILED);
            assertThat(spawn.after().failure()).contains(FailureKind.SPAWN_FAILED);
            assertThat(spawn.message()).startsWith("ghost: cannot start: command not found: no-such-program-svd");
            assertThat(exit.error()).as(exit.message()).isEqualTo(ErrorCode.FAILED);
            assertThat(exit.after().failure()).contains(FailureKind.EXITED);
            assertThat(exit.message()).isEqualTo("quits: exited 3 (restart = never)");
        }
    }

    @Test
    void quitReachesTheChildForGracefulStop() throws Exception {
        Path got = dir.resolve("got-quit");
        String py = "import signal,sys,time\n"
                + "def h(s,f):\n open('" + got + "','w').write('quit'); sys.exit(0)\n"
                + "signal.signal(signal.SIGQUIT,h)\n"
                + "while True: time.sleep(1)\n";
        ServiceSpec svc = ServiceSpec.of("py", List.of("/usr/bin/python3", "-c", py)).withStartSeconds(Duration.ZERO)
                .withStop(new StopSpec(Signal.QUIT, Duration.ofSeconds(5)));
        try (RunningEngine r = new RunningEngine(dir, svc).start()) {
            r.awaitState("py", ServiceState.RUNNING);
            // python installs its SIGQUIT handler after start-up: wait until the kernel shows it caught
            await().atMost(Duration.ofSeconds(5)).until(() -> (caught(r.snapshot("py").pid()) & 0x4) != 0);
            assertThat(r.engine.stop("py", Duration.ofSeconds(10)).join().ok()).isTrue();
            assertThat(r.snapshot("py").lastExit().orElseThrow().toString()).isEqualTo("exited 0");
            assertThat(Files.readString(got)).isEqualTo("quit");
        }
    }

    private static long caught(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigCgt:")) {
                return Long.parseLong(line.substring(7).trim(), 16);
            }
        }
        return 0;
    }

    @Test
    void childStartsWithCleanSignalMaskAndDispositions() throws Exception {
        Path status = dir.resolve("status");
        ServiceSpec svc = sh("probe", "grep -E 'SigBlk|SigIgn' /proc/self/status > " + status + "; exec sleep 1000");
        try (RunningEngine r = new RunningEngine(dir, svc).start()) {
            r.awaitState("probe", ServiceState.RUNNING);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(status) && Files.readAllLines(status).size() == 2);
            List<String> lines = Files.readAllLines(status);
            assertThat(lines.get(0)).isEqualTo("SigBlk:\t0000000000000000");
            // glibc reserves signals 32 and 33 for itself; every standard signal (1-31) must be at its default
            long ignored = Long.parseLong(lines.get(1).substring("SigIgn:\t".length()), 16);
            assertThat(ignored & 0x7fffffffL).as("ignored standard signals, mask %x", ignored).isZero();
        }
    }

    @Test
    void shutdownStopsEverythingInReverseOrder() throws Exception {
        Path order = dir.resolve("order");
        String script = "trap 'echo %s >> " + order + "; exit 0' TERM; while :; do sleep 0.1; done";
        ServiceSpec a = sh("a", script.formatted("a"));
        ServiceSpec b = sh("b", script.formatted("b")).withDependsOn(List.of("a"));
        ServiceSpec c = sh("c", script.formatted("c")).withDependsOn(List.of("b"));
        try (RunningEngine r = new RunningEngine(dir, a, b, c).start()) {
            r.awaitState("c", ServiceState.RUNNING);
            List<Integer> pids = List.of(r.snapshot("a").pid(), r.snapshot("b").pid(), r.snapshot("c").pid());
            r.engine.shutdown();
            assertThat(r.engine.stopped().get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(StopOutcome.CLEAN);
            assertThat(Files.readAllLines(order)).containsExactly("c", "b", "a");
            for (int pid : pids) {
                assertThat(Kernel.groupAlive(pid)).isFalse();
            }
        }
    }

    @Test
    void essentialServiceThatFailsStopsEverything() throws Exception {
        ServiceSpec db = sh("db", "exit 1").with(b -> b.essential = true)
                .withStartLimit(new StartLimitSpec(2, Duration.ofSeconds(60)));
        ServiceSpec web = sh("web", "exec sleep 1000");
        try (RunningEngine r = new RunningEngine(dir, db, web).start()) {
            assertThat(r.engine.stopped().get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(StopOutcome.ESSENTIAL_FAILED);
            assertThat(r.snapshot("db").state()).isEqualTo(ServiceState.FAILED);
            assertThat(r.snapshot("web").state()).isEqualTo(ServiceState.STOPPED);
        }
    }

    @Test
    void updateStartsAddedStopsRemovedRestartsChangedAndLeavesTheRestAlone() {
        ServiceSpec keep = sh("keep", "exec sleep 1000");
        ServiceSpec change = sh("change", "exec sleep 1000");
        ServiceSpec remove = sh("remove", "exec sleep 1000");
        try (RunningEngine r = new RunningEngine(dir, keep, change, remove).start()) {
            int keepPid = r.awaitState("keep", ServiceState.RUNNING).pid();
            int changePid = r.awaitState("change", ServiceState.RUNNING).pid();
            int removePid = r.awaitState("remove", ServiceState.RUNNING).pid();
            r.reconfigure(keep, sh("change", "exec sleep 2000"), sh("add", "exec sleep 1000"));

            ConfigChange preview = r.engine.reread();
            assertThat(preview.added()).containsExactly("add");
            assertThat(preview.removed()).containsExactly("remove");
            assertThat(preview.changed()).containsExactly("change");
            assertThat(preview.unchanged()).containsExactly("keep");
            assertThat(r.snapshot("change").pid()).as("reread changes nothing").isEqualTo(changePid);

            assertThat(r.engine.update().join().valid()).isTrue();
            r.awaitState("add", ServiceState.RUNNING);
            await().atMost(Duration.ofSeconds(10)).until(() -> r.engine.service("remove").isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> r.snapshot("change").state() == ServiceState.RUNNING
                    && r.snapshot("change").pid() != changePid);
            assertThat(Kernel.processAlive(removePid)).isFalse();
            assertThat(Kernel.processAlive(changePid)).isFalse();
            assertThat(r.snapshot("keep").pid()).as("unchanged: untouched").isEqualTo(keepPid);
            assertThat(r.snapshot("keep").restarts()).isZero();
        }
    }
}
