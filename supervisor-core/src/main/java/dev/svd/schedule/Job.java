package dev.svd.schedule;

import dev.svd.text.Durations;
import dev.svd.timing.TimerQueue;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job and its runs: one at a time, each with its random delay (scheduled runs), a timeout
 * guard, its output in {@code log-dir/job-NAME.log} ({@link RunOutput}) and its last run recorded
 * ({@link LastRunStore}). Every method runs on the job thread, which owns this object: no locking.
 * Time comes from the {@link Context}: its clock for what is shown and recorded, its timers for
 * what waits.
 */
final class Job {
    private static final Logger log = LoggerFactory.getLogger(Job.class);
    /** How long past its timeout a task's future may take to end before svd cancels it. */
    static final Duration GUARD = Duration.ofSeconds(5);
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Header and footer lines of job-NAME.log: seconds and the offset, such as 2026-11-25T03:12:40Z. */
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    /** A job as scheduled. Immutable. */
    /** @param description the schedule in words, made when first read ({@link dev.svd.cron.Crontab#description}) */
    record Definition(String name, String schedule, Supplier<String> description, CronSchedule cron,
                      Duration randomDelay, Duration timeout, boolean persistent, JobTask task) {}

    /**
     * What every job's runs share, all of it the job thread's: {@code owner} runs work on the job
     * thread (a task's continuations, its completion), {@code announce} runs work after the next
     * snapshot is published (a run's answer), {@code random} draws in [0, 1) for delays.
     */
    record Context(Clock clock, Path logDir, GroupPrincipal logGroup, LastRunStore store, TimerQueue timers, Executor owner,
                   Executor announce,
                   DoubleSupplier random) {}

    /** The run in progress. Immutable; {@code result} is completed once, after the run is recorded. */
    private record Run(Instant started, String why, RunOutput out, CompletableFuture<JobOutcome> task,
                       CompletableFuture<JobRunResult> result) {}

    private final Definition def;
    private final Context ctx;
    private Run running;
    private Optional<LastRun> last;
    private Optional<Instant> lastSuccess;
    private boolean stopping;

    Job(Definition def, Context ctx, Optional<LastRun> last) {
        this.def = def;
        this.ctx = ctx;
        this.last = last;
        this.lastSuccess = last.filter(LastRun::ok).map(LastRun::ended);
    }

    Definition definition() {
        return def;
    }

    /**
     * The published view, without the next scheduled time (a function of the clock) and with an empty
     * description (made when first read): {@link JobScheduler#jobs} adds both.
     */
    JobSnapshot snapshot() {
        return new JobSnapshot(def.name, def.schedule, "", def.randomDelay, def.timeout, def.persistent,
                Optional.empty(), Optional.ofNullable(running).map(r -> zoned(r.started)), last, lastSuccess);
    }

    /** Its cron trigger fired: the run starts after its random delay. */
    void fired() {
        Duration delay = MissedRuns.share(def.randomDelay, ctx.random().getAsDouble());
        if (delay.isZero()) {
            startScheduled(JobScheduler.SCHEDULE);
        } else {
            log.debug("job {}: scheduled run in {} (random delay)", def.name, Durations.human(delay));
            ctx.timers().arm(delay, () -> startScheduled(JobScheduler.SCHEDULE));
        }
    }

    /** At svd's start: a persistent job whose scheduled time passed since its last run runs once, soon. */
    void catchUp(Duration cap) {
        if (!def.persistent || last.isEmpty()) {
            return;
        }
        MissedRuns.missedFire(def.cron, last.get().started(), ctx.clock().instant()).ifPresent(missed -> {
            Duration delay = MissedRuns.delay(def.randomDelay, cap, ctx.random().getAsDouble());
            log.info("job {}: its run of {} was missed while svd was down; running it in {}", def.name,
                    zoned(missed).toLocalDateTime(), Durations.human(delay));
            ctx.timers().arm(delay, () -> startScheduled(JobScheduler.MISSED));
        });
    }

    private void startScheduled(String why) {
        if (stopping) {
            return;
        }
        try {
            start(why);
        } catch (JobRefusedException x) {
            log.info("job {}: {} run skipped: {}", def.name, why, x.getMessage());
        }
    }

    /**
     * Starts a run now; the future completes with its result once it is recorded.
     *
     * @throws JobRefusedException (BUSY) while a run is in progress or svd stops
     */
    CompletableFuture<JobRunResult> start(String why) throws JobRefusedException {
        if (stopping) {
            throw new JobRefusedException(JobRefusedException.Reason.BUSY, "job " + def.name + " not started: svd is stopping");
        }
        if (running != null) {
            throw new JobRefusedException(JobRefusedException.Reason.BUSY, "job " + def.name + " is running since "
                    + CLOCK_TIME.format(zoned(running.started)));
        }
        Instant started = ctx.clock().instant();
        RunOutput out = new RunOutput(def.name, ctx.logDir().resolve("job-" + def.name + ".log"), JobScheduler.TAIL_LINES,
                ctx.logGroup(), () -> ctx.clock().millis());
        out.open("=== " + LOG_TIME.format(zoned(started)) + " " + def.name + " started (" + why + ")"
                + (def.task instanceof CommandTask ? ": " + def.task : ""));
        log.info("job {}: started ({})", def.name, why);
        CompletableFuture<JobOutcome> task;
        try {
            task = def.task.run(new JobRun(def.name, started, def.timeout, out, ctx.owner()));
        } catch (RuntimeException x) {
            task = CompletableFuture.failedFuture(x);
        }
        Run run = new Run(started, why, out, task, new CompletableFuture<>());
        running = run;
        ctx.timers().arm(def.timeout.plus(GUARD), () -> cancel(run));
        task.whenComplete((o, x) -> ctx.owner().execute(() -> finished(run, o, x)));
        return run.result;
    }

    /** svd stops: no more runs; one in progress is cancelled (its process group SIGKILLed) after {@code grace}. */
    void stop(Duration grace) {
        stopping = true;
        Run run = running;
        if (run != null) {
            log.info("job {}: running since {} while svd stops; killing it in {} if it has not ended", def.name,
                    CLOCK_TIME.format(zoned(run.started)), Durations.human(grace));
            ctx.timers().arm(grace, () -> cancel(run));
        }
    }

    /** The answer of the run in progress, if any. */
    Optional<CompletableFuture<JobRunResult>> runningResult() {
        return Optional.ofNullable(running).map(Run::result);
    }

    private void cancel(Run run) {
        if (running == run) {
            run.task.cancel(true);
        }
    }

    private void finished(Run run, JobOutcome o, Throwable x) {
        JobOutcome outcome = o != null ? o : failure(x);
        Instant ended = ctx.clock().instant();
        Duration took = Duration.between(run.started, ended);
        run.out.close("=== " + LOG_TIME.format(zoned(ended)) + " " + def.name + ": " + outcome.result() + " after "
                + Durations.human(took));
        LastRun recorded = new LastRun(run.started, ended, outcome.ok(), outcome.result());
        ctx.store().write(def.name, recorded);
        last = Optional.of(recorded);
        if (outcome.ok()) {
            lastSuccess = Optional.of(ended);
        }
        running = null;
        if (outcome.ok()) {
            log.info("job {}: {} after {}", def.name, outcome.result(), Durations.human(took));
        } else {
            log.warn("job {}: failed: {} after {}", def.name, outcome.result(), Durations.human(took));
        }
        JobRunResult result = new JobRunResult(def.name, run.why, run.started, took, outcome.ok(), outcome.result(),
                run.out.tail());
        ctx.announce().execute(() -> run.result.complete(result));
    }

    private JobOutcome failure(Throwable x) {
        Throwable cause = x instanceof CompletionException && x.getCause() != null ? x.getCause() : x;
        if (cause instanceof CancellationException) {
            return JobOutcome.failure(stopping ? "killed: svd is stopping" : "cancelled: still running "
                    + Durations.human(GUARD) + " after its timeout of " + Durations.human(def.timeout));
        }
        String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        log.error("job {}: its task failed (ref {})", def.name, ref, cause);
        return JobOutcome.failure("failed: " + cause + " (see svd's log, ref " + ref + ")");
    }

    private ZonedDateTime zoned(Instant at) {
        return ZonedDateTime.ofInstant(at, ctx.clock().getZone());
    }
}
