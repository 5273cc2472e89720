package dev.svd.engine;

import dev.svd.config.ReloadSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.ProcFs;
import dev.svd.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Reload with a check first, the signal, and confirmation by new workers; stale pid files. */
class ReloadIT {
    /** A master with two workers that it replaces on SIGHUP, like nginx and gunicorn. */
    private static final String MASTER = "start() { sleep 1000 & W1=$!; sleep 1000 & W2=$!; }; "
            + "trap 'kill $W1 $W2; start' HUP; start; while :; do wait; done";

    @TempDir
    Path dir;

    private static ServiceSpec master(String script, ReloadSpec reload) {
        return ServiceSpec.of("master", List.of("/bin/sh", "-c", script)).withStartSeconds(Duration.ZERO)
                .with(b -> b.reload = reload);
    }

    private static List<Integer> workers(RunningEngine r) {
        int pid = r.snapshot("master").pid();
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcFs.childrenOf(pid).size() == 2);
        return ProcFs.childrenOf(pid);
    }

    @Test
    void failingCheckSendsNoSignalAndShowsTheCheckOutput() {
        ReloadSpec reload = new ReloadSpec(List.of("/bin/sh", "-c", "echo 'config broken: line 3' >&2; exit 1"),
                Signal.HUP, ReloadSpec.Confirm.WORKERS, Duration.ofSeconds(5));
        try (RunningEngine r = new RunningEngine(dir, master(MASTER, reload)).start()) {
            r.awaitState("master", ServiceState.RUNNING);
            List<Integer> before = workers(r);
            ActionResult result = r.engine.reload("master", Duration.ofSeconds(10)).join();
            assertThat(result.ok()).isFalse();
            assertThat(result.error()).isEqualTo(ErrorCode.FAILED);
            assertThat(result.message()).contains("reload refused").contains("exited 1")
                    .contains("config broken: line 3").contains("nothing was sent");
            assertThat(ProcFs.childrenOf(r.snapshot("master").pid())).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void passingCheckThenSignalIsConfirmedByNewWorkers() {
        ReloadSpec reload = new ReloadSpec(List.of("/bin/true"), Signal.HUP, ReloadSpec.Confirm.WORKERS,
                Duration.ofSeconds(5));
        try (RunningEngine r = new RunningEngine(dir, master(MASTER, reload)).start()) {
            r.awaitState("master", ServiceState.RUNNING);
            int pid = r.snapshot("master").pid();
            List<Integer> before = workers(r);
            ActionResult result = r.engine.reload("master", Duration.ofSeconds(10)).join();
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.message()).startsWith("reloaded: 2 new workers replace 2");
            assertThat(r.snapshot("master").pid()).as("the master stays").isEqualTo(pid);
            assertThat(ProcFs.childrenOf(pid)).doesNotContainAnyElementsOf(before);
        }
    }

    /**
     * A master like gunicorn's (python3): a listening socket shared by two workers; on HUP two new
     * workers, then SIGQUIT to the old ones, which close their copy of the socket when argv[1] is
     * "close" (as nginx's old workers do) and keep it otherwise; either way they stay alive.
     */
    private static final String LISTENING_MASTER = """
            import os, signal, socket, sys, time
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen()
            def quit(*_):
                if sys.argv[1] == "close":
                    s.close()
            def worker():
                pid = os.fork()
                if pid == 0:
                    signal.signal(signal.SIGHUP, signal.SIG_DFL)
                    signal.signal(signal.SIGQUIT, quit)
                    while True:
                        time.sleep(1000)
                return pid
            workers = [worker(), worker()]
            def hup(*_):
                global workers
                old, workers = workers, [worker(), worker()]
                for w in old:
                    os.kill(w, signal.SIGQUIT)
            signal.signal(signal.SIGHUP, hup)
            while True:
                signal.pause()
            """;

    private static ServiceSpec listeningMaster(String oldWorkers, Duration timeout) {
        return ServiceSpec.of("master", List.of("python3", "-c", LISTENING_MASTER, oldWorkers))
                .withStartSeconds(Duration.ZERO)
                .with(b -> b.reload = new ReloadSpec(List.of(), Signal.HUP, ReloadSpec.Confirm.WORKERS, timeout));
    }

    @Test
    void reloadIsConfirmedOnceNoOldWorkerHoldsTheListeningSocketWhileTheyStillRun() {
        try (RunningEngine r = new RunningEngine(dir, listeningMaster("close", Duration.ofMinutes(2))).start()) {
            r.awaitState("master", ServiceState.RUNNING);
            List<Integer> before = workers(r);
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcFs.holdingListeningSockets(r.snapshot("master").pid(),
                    before).containsAll(before));

            ActionResult result = r.engine.reload("master", Duration.ofSeconds(10)).join();

            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.message()).startsWith("reloaded: 2 new workers replace 2 (SIGHUP); every new connection"
                    + " reaches a new worker (2 old still finishing theirs)");
            assertThat(before).as("old workers that closed their listening socket need not exit first")
                    .allMatch(ProcFs::liveProcess);
            assertThat(ProcFs.holdingListeningSockets(r.snapshot("master").pid(), before)).isEmpty();
        }
    }

    @Test
    void oldWorkersThatKeepTheListeningSocketKeepTheReloadUnconfirmed() {
        try (RunningEngine r = new RunningEngine(dir, listeningMaster("keep", Duration.ofMillis(500))).start()) {
            r.awaitState("master", ServiceState.RUNNING);
            List<Integer> before = workers(r);
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcFs.holdingListeningSockets(r.snapshot("master").pid(),
                    before).containsAll(before));

            ActionResult result = r.engine.reload("master", Duration.ofSeconds(10)).join();

            assertThat(result.error()).as(result.message()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(result.message()).contains("master: 2 new workers run, but old workers "
                    + before.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                    + " still hold a listening socket after 500ms, so a new connection may still reach the old"
                    + " configuration until they exit");
        }
    }

    @Test
    void reloadThatReplacesNoWorkerFailsWithTheReason() {
        ReloadSpec reload = new ReloadSpec(List.of(), Signal.HUP, ReloadSpec.Confirm.WORKERS, Duration.ofMillis(300));
        String deaf = "trap '' HUP; sleep 1000 & sleep 1000 & while :; do wait; done";
        try (RunningEngine r = new RunningEngine(dir, master(deaf, reload)).start()) {
            r.awaitState("master", ServiceState.RUNNING);
            workers(r);
            ActionResult result = r.engine.reload("master", Duration.ofSeconds(10)).join();
            assertThat(result.error()).as("waiting longer would not help").isEqualTo(ErrorCode.FAILED);
            assertThat(result.message()).contains("workers were not replaced within 300ms (old 2, new 0)")
                    .contains("'svctl logs master --stderr'");
        }
    }

    @Test
    void reloadOfAStoppedServiceIsRefused() {
        ServiceSpec svc = master(MASTER, ReloadSpec.DEFAULT).withRestart(dev.svd.config.RestartPolicy.NEVER);
        try (RunningEngine r = new RunningEngine(dir, svc).start()) {
            r.awaitState("master", ServiceState.RUNNING);
            r.engine.stop("master", Duration.ofSeconds(10)).join();
            ActionResult result = r.engine.reload("master", Duration.ofSeconds(10)).join();
            assertThat(result.error()).isEqualTo(ErrorCode.NOT_RUNNING);
        }
    }

    @Test
    void stalePidFileIsRemovedBeforeStart() throws Exception {
        Path pidFile = dir.resolve("app.pid");
        Files.writeString(pidFile, "1\n");
        ServiceSpec svc = ServiceSpec.of("app", List.of("/bin/sh", "-c",
                "if [ -e " + pidFile + " ]; then exit 7; fi; echo $$ > " + pidFile + "; exec sleep 1000"))
                .withStartSeconds(Duration.ZERO).with(b -> b.pidFile = Optional.of(pidFile));
        try (RunningEngine r = new RunningEngine(dir, svc).start()) {
            int pid = r.awaitState("app", ServiceState.RUNNING).pid();
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(pidFile).trim().equals(Integer.toString(pid)));
            assertThat(r.snapshot("app").restarts()).isZero();
        }
    }
}
