package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.JobSpec;
import dev.svd.config.Origin;
import dev.svd.os.CommandRunner;
import dev.svd.os.Kernel;
import dev.svd.os.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs with real processes: runs, output file, timeout, one run at a time, missed runs, a seconds-level cron, stop. */
class JobSchedulerIT {
    @TempDir
    Path dir;
    private Processes processes;
    private CommandRunner runner;
    private JobScheduler scheduler;

    @BeforeEach
    void start() {
        processes = new Processes((pid, status) -> { });
        runner = new CommandRunner(processes);
        // No random delay (0 of any bound), missed runs at once.
        scheduler = new JobScheduler(dir.resolve("log"), dir.resolve("state"), Clock.systemDefaultZone(), () -> 0.0,
                Duration.ZERO);
    }

    @AfterEach
    void stop() {
        scheduler.close();
        runner.close();
        for (int pid : processes.livePids()) {
            processes.signalGroup(pid, dev.svd.config.Signal.KILL);
        }
        processes.close();
    }

    private JobSpec job(String name, String script, Duration timeout, boolean persistent, String schedule) {
        return new JobSpec(name, schedule, Duration.ofHours(1), timeout, List.of("/bin/sh", "-c", script),
                Optional.of(dir), Map.of("GREETING", "hello"), Optional.empty(), persistent, new Origin("svd.conf", 1));
    }

    private JobSpec job(String name, String script) {
        return job(name, script, Duration.ofSeconds(30), false, "0 3 * * *");
    }

    private String log(String name) throws Exception {
        return Files.readString(dir.resolve("log/job-" + name + ".log"), StandardCharsets.UTF_8);
    }

    @Test
    void runNowAnswersTheResultWritesTheLogAndRecordsTheRun() throws Exception {
        scheduler.schedule(job("greet", "echo $GREETING from $(pwd); echo oops >&2; exit 3"), runner);
        scheduler.start();
        JobRunResult r = scheduler.runNow("greet").get();
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).isEqualTo("exited 3");
        assertThat(r.trigger()).isEqualTo("manual");
        assertThat(r.tail()).contains("hello from " + dir, "oops");
        String log = log("greet");
        assertThat(log).startsWith("=== ").contains(" greet started (manual): /bin/sh -c echo $GREETING")
                .containsPattern("\\dZ stdout F hello from " + dir + "\n").containsPattern("\\dZ stderr F oops\n");
        assertThat(log.lines().reduce((a, b) -> b).orElseThrow()).matches("=== \\S+ greet: exited 3 after \\S+");
        assertThat(Files.readString(dir.resolve("state/jobs/greet.last-run"))).contains("\nok false\nresult exited 3\n");
        JobSnapshot s = scheduler.jobs().get(0);
        assertThat(s.lastRun().orElseThrow().result()).isEqualTo("exited 3");
        assertThat(s.nextRun().orElseThrow().getHour()).isEqualTo(3);
        assertThat(s.description()).isEqualTo("at 03:00");

        scheduler.runNow("greet").get();
        assertThat(log("greet").lines().filter(l -> l.contains("greet started (manual)")).count()).isEqualTo(2);
    }

    @Test
    void timeoutKillsTheJobsProcessGroup() throws Exception {
        Path child = dir.resolve("child.pid");
        scheduler.schedule(job("slow", "sleep 300 & echo $! > " + child + "; wait", Duration.ofMillis(500), false,
                "0 3 * * *"), runner);
        JobRunResult r = scheduler.runNow("slow").get();
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).startsWith("timed out after").contains("SIGKILL");
        int sleeper = Integer.parseInt(Files.readString(child).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> !Kernel.processAlive(sleeper));
    }

    @Test
    void aSecondRunWhileRunningIsRefused() throws Exception {
        Path started = dir.resolve("started");
        scheduler.schedule(job("long", "touch " + started + "; sleep 300"), runner);
        CompletableFuture<JobRunResult> first = scheduler.runNow("long");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(started));
        ExecutionException busy = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> scheduler.runNow("long").get());
        assertThat(busy.getCause()).isInstanceOf(JobRefusedException.class)
                .hasMessageMatching("job long is running since \\d\\d:\\d\\d:\\d\\d");
        assertThat(((JobRefusedException) busy.getCause()).reason()).isEqualTo(JobRefusedException.Reason.BUSY);
        assertThat(scheduler.jobs().get(0).runningSince()).isPresent();

        scheduler.stop(Duration.ZERO);
        JobRunResult killed = first.get();
        assertThat(killed.result()).isEqualTo("killed: svd is stopping");
        await().atMost(Duration.ofSeconds(5)).until(() -> processes.livePids().isEmpty());
    }

    @Test
    void aRunAskedForOnAThreadThatEndsOutlivesThatThread() throws Exception {
        // svctl's request arrives on a connection thread that ends with the connection; the run is started on
        // svd's job thread (with PDEATHSIG, as svd had until 3af8761, it would otherwise die with the connection).
        scheduler.schedule(job("survivor", "sleep 1; echo survived"), runner);
        List<CompletableFuture<JobRunResult>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread connection = new Thread(() -> asked.add(scheduler.runNow("survivor")));
        connection.start();
        connection.join();
        JobRunResult r = asked.get(0).get();
        assertThat(r.result()).isEqualTo("exited 0");
        assertThat(r.tail()).containsExactly("survived");
    }

    @Test
    void unknownJobIsRefused() {
        ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                () -> scheduler.runNow("nope").get());
        assertThat(e.getCause()).hasMessage("no job named nope");
        assertThat(((JobRefusedException) e.getCause()).reason()).isEqualTo(JobRefusedException.Reason.NO_SUCH_JOB);
    }

    @Test
    void aPersistentJobRunsAfterStartWhenAScheduledTimePassedSinceItsLastRun() throws Exception {
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        Files.createDirectories(dir.resolve("state/jobs"));
        Files.writeString(dir.resolve("state/jobs/renew.json"), "{\"job\":\"renew\",\"started\":\"" + yesterday
                + "\",\"ended\":\"" + yesterday.plusSeconds(2) + "\",\"ok\":true,\"result\":\"exited 0\"}\n");
        scheduler.schedule(job("renew", "echo renewed", Duration.ofSeconds(30), true, "@daily"), runner);
        scheduler.schedule(job("other", "echo other", Duration.ofSeconds(30), false, "@daily"), runner);
        assertThat(scheduler.jobs().get(0).lastRun().orElseThrow().started()).isEqualTo(yesterday);
        scheduler.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.jobs().get(0).lastRun()
                .map(l -> l.started().isAfter(yesterday.plusSeconds(60))).orElse(false));
        assertThat(log("renew")).contains(" renew started (missed)").contains("renewed\n");
        // The run missed was read from the old format (svd before issue 13); its record is now in the new one.
        assertThat(Files.readString(dir.resolve("state/jobs/renew.last-run"))).doesNotContain(yesterday.toString());
        assertThat(dir.resolve("state/jobs/renew.json")).doesNotExist();
        assertThat(Files.exists(dir.resolve("log/job-other.log"))).isFalse();
    }

    @Test
    void aSecondsCronFiresTheJobRepeatedlyOneRunAtATime() throws Exception {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        JobTask task = run -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            run.print("run " + runs.incrementAndGet());
            // Each run lasts ~1.5 s, longer than the 1 s period: overlapping fires must be skipped.
            return CompletableFuture.supplyAsync(() -> {
                concurrent.decrementAndGet();
                return JobOutcome.success("done");
            }, CompletableFuture.delayedExecutor(1500, java.util.concurrent.TimeUnit.MILLISECONDS));
        };
        scheduler.scheduleQuartz("tick", "* * * * * ?", "every second", "every second", Duration.ZERO,
                Duration.ofSeconds(10), false, task);
        scheduler.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
        assertThat(most.get()).isEqualTo(1);
        assertThat(log("tick")).contains(" tick started (schedule)\n").contains("run 1\n").contains(" tick: done after ");
    }

    @Test
    void aJavaTaskThatIgnoresItsTimeoutIsCancelledAfterTheGuard() {
        // The seam keeps this short: a timeout of 1 ms, cancelled GUARD (5 s) later.
        CompletableFuture<JobOutcome> never = new CompletableFuture<>();
        scheduler.schedule("stuck", "@daily", Duration.ZERO, Duration.ofMillis(1), false, run -> never);
        JobRunResult r = scheduler.runNow("stuck").join();
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).isEqualTo("cancelled: still running 5s after its timeout of 1ms");
        assertThat(never.isCancelled()).isTrue();
    }

    /** The seam's draw for the random-delay tests: half of {@code random-delay}. */
    private static final double HALF = 0.5;

    @Test
    void aScheduledRunStartsAfterItsRandomDelayDrawnFromRandomDelay() throws Exception {
        scheduler.close();
        scheduler = new JobScheduler(dir.resolve("log"), dir.resolve("state"), Clock.systemDefaultZone(), () -> HALF,
                Duration.ZERO);
        // One fire at a known second, 3 s from now; random-delay 4s with the draw fixed at 0.5: the run waits 2 s.
        java.time.ZonedDateTime at = java.time.ZonedDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(3);
        String once = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
                + at.getMonthValue() + " ? " + at.getYear();
        Duration randomDelay = Duration.ofSeconds(4);
        Duration drawn = Duration.ofMillis((long) (HALF * randomDelay.toMillis()));
        List<Instant> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        scheduler.scheduleQuartz("delayed", once, "once", "once", randomDelay, Duration.ofSeconds(10), false, run -> {
            starts.add(Instant.now());
            return CompletableFuture.completedFuture(JobOutcome.success("done"));
        });
        scheduler.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> !starts.isEmpty());
        // Quartz fires a trigger up to 2 ms before its time (QuartzSchedulerThread waits while more than 2 ms are
        // left); the cron fire and the delayed one-shot fire may each be that early.
        Instant earliest = at.toInstant().plus(drawn).minusMillis(5);
        assertThat(starts.get(0)).as("started %s after the scheduled time", Duration.between(at.toInstant(), starts.get(0)))
                .isAfterOrEqualTo(earliest);
        assertThat(starts).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.jobs().get(0).lastRun().isPresent());
        assertThat(scheduler.jobs().get(0).lastRun().orElseThrow().started()).isAfterOrEqualTo(earliest);
        assertThat(log("delayed")).contains(" delayed started (schedule)\n").contains(" delayed: done after ");
    }

    @Test
    void runNowDoesNotWaitForTheRandomDelay() throws Exception {
        scheduler.close();
        scheduler = new JobScheduler(dir.resolve("log"), dir.resolve("state"), Clock.systemDefaultZone(), () -> HALF,
                Duration.ZERO);
        // A scheduled run would wait 30 min (0.5 x 1h); svctl run starts at once (jobs.md, "Runs").
        scheduler.schedule(job("renew", "echo renewed"), runner);
        assertThat(scheduler.jobs().get(0).randomDelay()).isEqualTo(Duration.ofHours(1));
        scheduler.start();
        Instant asked = Instant.now();
        CompletableFuture<JobRunResult> run = scheduler.runNow("renew");
        await().atMost(Duration.ofSeconds(30)).until(run::isDone);
        JobRunResult r = run.get();
        assertThat(r.trigger()).isEqualTo("manual");
        assertThat(r.result()).isEqualTo("exited 0");
        assertThat(r.tail()).containsExactly("renewed");
        assertThat(Duration.between(asked, r.started())).isLessThan(Duration.ofMinutes(1));
    }
}
