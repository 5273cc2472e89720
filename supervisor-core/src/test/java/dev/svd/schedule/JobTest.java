package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.svd.cron.Crontab;
import dev.svd.timing.TimerQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One job's runs on the job thread, played on the test thread: an injected wall clock and timer
 * clock, tasks whose futures the test completes. No threads, no processes, no sleeps.
 */
class JobTest {
    @TempDir
    Path dir;
    private final AtomicLong nanos = new AtomicLong();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T14:03:05Z"));
    private TimerQueue timers;
    private Job.Context context;
    private final List<CompletableFuture<JobOutcome>> tasks = new ArrayList<>();
    private final List<Instant> starts = new ArrayList<>();
    private double draw = 0.5;

    /** A wall clock the test moves; the timers' clock moves with it. */
    private final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
            nanos.addAndGet(d.toNanos());
            timers.runDue();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void context() {
        timers = new TimerQueue(nanos::get);
        context = new Job.Context(clock, dir.resolve("log"), null, new LastRunStore(dir.resolve("state")), timers, Runnable::run,
                Runnable::run, () -> draw);
    }

    private Job job(String crontab, Duration randomDelay, Duration timeout, boolean persistent, Optional<LastRun> last) {
        JobTask task = run -> {
            starts.add(run.started());
            run.print("hello from " + run.job());
            CompletableFuture<JobOutcome> f = new CompletableFuture<>();
            tasks.add(f);
            return f;
        };
        Crontab c = Crontab.parse(crontab);
        return new Job(new Job.Definition("renew", c.text(), c::description, new CronSchedule(c.quartz(), ZoneOffset.UTC),
                randomDelay, timeout, persistent, task), context, last);
    }

    private Job job() {
        return job("0 3 * * *", Duration.ofHours(1), Duration.ofMinutes(10), false, Optional.empty());
    }

    @Test
    void aRunIsRecordedLoggedAndAnsweredWithItsTail() throws Exception {
        Job job = job();
        CompletableFuture<JobRunResult> result = job.start(JobScheduler.MANUAL);
        assertThat(job.snapshot().runningSince()).isPresent();
        clock.advance(Duration.ofSeconds(3));
        tasks.get(0).complete(JobOutcome.success("renewed"));

        JobRunResult r = result.getNow(null);
        assertThat(r).isEqualTo(new JobRunResult("renew", "manual", Instant.parse("2026-11-25T14:03:05Z"),
                Duration.ofSeconds(3), true, "renewed", List.of("hello from renew")));
        assertThat(job.snapshot().runningSince()).isEmpty();
        assertThat(job.snapshot().lastRun()).contains(new LastRun(Instant.parse("2026-11-25T14:03:05Z"),
                Instant.parse("2026-11-25T14:03:08Z"), true, "renewed"));
        assertThat(new LastRunStore(dir.resolve("state")).read("renew")).isEqualTo(job.snapshot().lastRun());
        assertThat(Files.readString(dir.resolve("log/job-renew.log"))).isEqualTo("""
                === 2026-11-25T14:03:05Z renew started (manual)
                2026-11-25T14:03:05.000Z stdout F hello from renew
                === 2026-11-25T14:03:08Z renew: renewed after 3s
                """);
    }

    @Test
    void aFailedRunKeepsTheTimeOfTheLastSuccess() throws Exception {
        Job job = job();
        assertThat(job.snapshot().lastSuccess()).isEmpty();
        job.start(JobScheduler.MANUAL);
        clock.advance(Duration.ofSeconds(2));
        tasks.get(0).complete(JobOutcome.success("renewed"));
        assertThat(job.snapshot().lastSuccess()).contains(Instant.parse("2026-11-25T14:03:07Z"));
        clock.advance(Duration.ofMinutes(1));
        job.start(JobScheduler.MANUAL);
        clock.advance(Duration.ofSeconds(1));
        tasks.get(1).complete(JobOutcome.failure("no luck"));
        assertThat(job.snapshot().lastRun().orElseThrow().ok()).isFalse();
        assertThat(job.snapshot().lastSuccess()).contains(Instant.parse("2026-11-25T14:03:07Z"));
    }

    @Test
    void aSecondRunWhileOneRunsIsRefusedWithTheFirstOnesStartTime() throws Exception {
        Job job = job();
        job.start(JobScheduler.MANUAL);
        clock.advance(Duration.ofMinutes(1));
        JobRefusedException busy = catchThrowableOfType(() -> job.start(JobScheduler.MANUAL), JobRefusedException.class);
        assertThat(busy).hasMessage("job renew is running since 14:03:05");
        assertThat(busy.reason()).isEqualTo(JobRefusedException.Reason.BUSY);
        assertThat(tasks).hasSize(1);

        tasks.get(0).complete(JobOutcome.success("done"));
        job.start(JobScheduler.MANUAL);
        assertThat(tasks).hasSize(2);
    }

    @Test
    void aTaskThatOutlivesItsTimeoutIsCancelledOnlyAfterTheGuard() {
        Job job = job("0 3 * * *", Duration.ZERO, Duration.ofSeconds(10), false, Optional.empty());
        CompletableFuture<JobRunResult> result;
        try {
            result = job.start(JobScheduler.MANUAL);
        } catch (JobRefusedException e) {
            throw new AssertionError(e);
        }
        clock.advance(Duration.ofSeconds(10).plus(Job.GUARD).minusNanos(1));
        assertThat(tasks.get(0)).isNotDone();
        clock.advance(Duration.ofNanos(1));
        assertThat(tasks.get(0)).isCancelled();
        assertThat(result.getNow(null).result()).isEqualTo("cancelled: still running 5s after its timeout of 10s");
        assertThat(result.getNow(null).ok()).isFalse();
    }

    @Test
    void theGuardOfAnEndedRunDoesNotCancelTheNextRun() throws Exception {
        Job job = job("0 3 * * *", Duration.ZERO, Duration.ofSeconds(10), false, Optional.empty());
        job.start(JobScheduler.MANUAL);
        tasks.get(0).complete(JobOutcome.success("done"));
        clock.advance(Duration.ofSeconds(14));
        job.start(JobScheduler.MANUAL);
        clock.advance(Duration.ofSeconds(2)); // the first run's guard is due now
        assertThat(tasks.get(1)).isNotDone();
    }

    @Test
    void aScheduledRunWaitsItsDrawOfTheRandomDelay() {
        Job job = job(); // random-delay 1h, draw 0.5: 30 min
        job.fired();
        assertThat(starts).isEmpty();
        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(starts).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(starts).containsExactly(Instant.parse("2026-11-25T14:33:05Z"));
    }

    @Test
    void aFireWhileRunningIsSkipped() throws Exception {
        draw = 0;
        Job job = job();
        job.start(JobScheduler.MANUAL);
        job.fired();
        assertThat(tasks).hasSize(1);
    }

    @Test
    void stoppingKillsTheRunAfterTheGraceAndStartsNoOther() throws Exception {
        Job job = job();
        CompletableFuture<JobRunResult> result = job.start(JobScheduler.MANUAL);
        job.fired(); // a delayed scheduled run, due in 30 min
        job.stop(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertThat(tasks.get(0)).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        assertThat(result.getNow(null).result()).isEqualTo("killed: svd is stopping");
        assertThat(catchThrowableOfType(() -> job.start(JobScheduler.MANUAL), JobRefusedException.class))
                .hasMessage("job renew not started: svd is stopping");
        clock.advance(Duration.ofHours(1));
        assertThat(tasks).hasSize(1);
    }

    @Test
    void aPersistentJobCatchesUpAMissedRunOnceAfterItsCappedDelay() {
        LastRun yesterday = new LastRun(Instant.parse("2026-11-24T03:00:00Z"), Instant.parse("2026-11-24T03:00:02Z"),
                true, "exited 0");
        Job job = job("0 3 * * *", Duration.ofHours(1), Duration.ofMinutes(10), true, Optional.of(yesterday));
        job.catchUp(Duration.ofMinutes(1)); // draw 0.5 of min(1h, 1m)
        clock.advance(Duration.ofSeconds(29));
        assertThat(starts).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(starts).hasSize(1);
        tasks.get(0).complete(JobOutcome.success("done"));
        clock.advance(Duration.ofDays(3));
        assertThat(starts).hasSize(1);
    }

    @Test
    void nothingIsCaughtUpWithoutPersistenceOrALastRunOrAMissedTime() {
        LastRun yesterday = new LastRun(Instant.parse("2026-11-24T03:00:00Z"), Instant.parse("2026-11-24T03:00:02Z"),
                true, "exited 0");
        LastRun today = new LastRun(Instant.parse("2026-11-25T03:00:00Z"), Instant.parse("2026-11-25T03:00:02Z"),
                true, "exited 0");
        job("0 3 * * *", Duration.ZERO, Duration.ofMinutes(1), false, Optional.of(yesterday)).catchUp(Duration.ZERO);
        job("0 3 * * *", Duration.ZERO, Duration.ofMinutes(1), true, Optional.empty()).catchUp(Duration.ZERO);
        job("0 3 * * *", Duration.ZERO, Duration.ofMinutes(1), true, Optional.of(today)).catchUp(Duration.ZERO);
        clock.advance(Duration.ofMinutes(1));
        assertThat(starts).isEmpty();
        assertThat(timers.pending()).isZero();
    }

    @Test
    void aTaskThatThrowsFailsItsRunWithAReference() throws Exception {
        Job job = new Job(new Job.Definition("broken", "@daily", () -> "daily", new CronSchedule("0 0 0 * * ?", ZoneOffset.UTC),
                Duration.ZERO, Duration.ofMinutes(1), false, run -> {
                    throw new IllegalStateException("boom");
                }), context, Optional.empty());
        JobRunResult r = job.start(JobScheduler.MANUAL).getNow(null);
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).matches("failed: java.lang.IllegalStateException: boom \\(see svd's log, ref [0-9a-f]+\\)");
        assertThat(job.snapshot().runningSince()).isEmpty();
    }
}
