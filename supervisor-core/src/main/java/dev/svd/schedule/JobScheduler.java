package dev.svd.schedule;

import dev.svd.config.JobSpec;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.os.CommandRunner;
import dev.svd.cron.Crontab;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's jobs: each one a {@link JobTask} on a crontab schedule, run one at a time, with a random
 * delay per run, a timeout, its output in {@code log-dir/job-NAME.log}, and its last run recorded in
 * {@code state-dir/jobs/NAME.json} so that a run missed while svd was down happens soon after start.
 * Quartz only fires: a cron trigger per job, and a one-shot trigger for each delayed or missed run;
 * its one worker starts the task and returns, so runs never hold it. Quartz is created with the
 * first job: without jobs, svd has no scheduler threads. Thread-safe.
 */
public final class JobScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
    /** Lines of output kept with each run's result. */
    static final int TAIL_LINES = 20;
    /** A missed run waits at most this long (its random delay, bounded) after svd starts. */
    static final Duration CATCH_UP_CAP = Duration.ofMinutes(1);
    /** How long past its timeout a task's future may take to end before svd cancels it. */
    static final Duration GUARD = Duration.ofSeconds(5);
    static final String SCHEDULE = "schedule";
    static final String MISSED = "missed";
    static final String MANUAL = "manual";
    private static final String CRON_GROUP = "cron";
    private static final String ONCE_GROUP = "once";
    private static final String WHY = "why";
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Header and footer lines of job-NAME.log: seconds and the offset, such as 2026-11-25T03:12:40Z. */
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private final Path logDir;
    private final LastRunStore store;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Duration catchUpCap;
    /** Created with the first job (no jobs, no Quartz threads); guarded by {@code jobs}. */
    private Scheduler quartz;
    private boolean started;
    /**
     * The one thread that starts every run (scheduled or asked for) and writes every finished one
     * down, so neither Quartz's worker nor a control connection's thread runs job code, and spawns do
     * not depend on threads that come and go (a child with PDEATHSIG dies with the thread that spawned
     * it, prctl(2); svd used it until 3af8761). Idle, it is parked: no wakeups.
     */
    private final ExecutorService jobThread;
    /** Guarded by itself; each entry's run state by the entry. */
    private final Map<String, Entry> jobs = new LinkedHashMap<>();
    private volatile boolean stopping;
    /** What the first {@link #stop} gave running jobs; guarded by {@code jobs}. */
    private Duration stopGrace = Duration.ZERO;
    private long onceSeq;

    private record Definition(String name, String schedule, String description, CronExpression cron,
                              Duration randomDelay, Duration timeout, boolean persistent, JobTask task) {}

    private record Running(String job, Instant started, CompletableFuture<JobRunResult> result, CompletableFuture<JobOutcome>[] task) {}

    private static final class Entry {
        final Definition def;
        Running running;
        Optional<LastRun> last;

        Entry(Definition def, Optional<LastRun> last) {
            this.def = def;
            this.last = last;
        }
    }

    /** Jobs in the machine's time zone (crontab's rule), with a random delay from ThreadLocalRandom. */
    public JobScheduler(Path logDir, Path stateDir) {
        this(logDir, stateDir, Clock.systemDefaultZone(), () -> ThreadLocalRandom.current().nextDouble(), CATCH_UP_CAP);
    }

    /** @param random in [0, 1), the seam for delays in tests; {@code clock}'s zone is the schedules' zone */
    JobScheduler(Path logDir, Path stateDir, Clock clock, DoubleSupplier random, Duration catchUpCap) {
        this.logDir = logDir;
        this.store = new LastRunStore(stateDir);
        this.clock = clock;
        this.random = random;
        this.catchUpCap = catchUpCap;
        this.jobThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "svd-jobs");
            t.setDaemon(true);
            return t;
        });
    }

    /** Schedules a job from the config: its command runs through {@code runner}. */
    public void schedule(JobSpec spec, CommandRunner runner) {
        schedule(spec.name(), spec.schedule(), spec.randomDelay(), spec.timeout(), spec.persistent(),
                new CommandTask(spec, runner));
    }

    /**
     * Schedules {@code task} as job {@code name} on a crontab schedule (5 fields or a nickname such as
     * {@code @daily}), before or after {@link #start()}. A persistent job whose recorded last run is
     * older than a scheduled time that has passed runs soon after this call (after start).
     *
     * @throws IllegalArgumentException for an invalid schedule or a name already scheduled
     */
    public void schedule(String name, String crontab, Duration randomDelay, Duration timeout, boolean persistent,
                         JobTask task) {
        Crontab parsed = Crontab.parse(crontab);
        scheduleQuartz(name, parsed.quartz(), parsed.text(), parsed.description(), randomDelay, timeout, persistent, task);
    }

    /** The seam for a seconds-level Quartz cron expression in tests; {@code schedule} is what operators see. */
    void scheduleQuartz(String name, String quartzCron, String schedule, String description, Duration randomDelay,
                        Duration timeout, boolean persistent, JobTask task) {
        CronExpression cron;
        try {
            cron = new CronExpression(quartzCron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("job " + name + ": invalid Quartz cron expression " + quartzCron, e);
        }
        cron.setTimeZone(TimeZone.getTimeZone(clock.getZone()));
        Entry entry = new Entry(new Definition(name, schedule, description, cron, randomDelay, timeout, persistent, task),
                store.read(name));
        Scheduler q;
        synchronized (jobs) {
            if (stopping || jobs.containsKey(name)) {
                throw new IllegalArgumentException("job " + name + (stopping ? ": svd is stopping" : " is already scheduled"));
            }
            jobs.put(name, entry);
            q = quartz();
        }
        JobDetail detail = JobBuilder.newJob(QuartzFactory.Fire.class).withIdentity(name).storeDurably().build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name, CRON_GROUP).forJob(detail)
                .withSchedule(CronScheduleBuilder.cronSchedule(cron).withMisfireHandlingInstructionDoNothing()).build();
        try {
            q.addJob(detail, false);
            q.scheduleJob(trigger);
        } catch (SchedulerException e) {
            throw new IllegalStateException("job " + name + ": Quartz refused its trigger: " + e.getMessage(), e);
        }
        if (persistent) {
            entry.last.flatMap(last -> missedFire(cron, last.started(), clock.instant())).ifPresent(missed -> {
                Duration delay = randomDelay(randomDelay.compareTo(catchUpCap) < 0 ? randomDelay : catchUpCap);
                log.info("job {}: its run of {} was missed while svd was down; running it in {}", name,
                        ZonedDateTime.ofInstant(missed, clock.getZone()).toLocalDateTime(), Lifecycle.human(delay));
                once(name, MISSED, delay);
            });
        }
    }

    /** The first time {@code cron} fired after {@code lastStart}, if that is not after {@code now}. */
    static Optional<Instant> missedFire(CronExpression cron, Instant lastStart, Instant now) {
        Date next = cron.getNextValidTimeAfter(Date.from(lastStart));
        return next == null || next.toInstant().isAfter(now) ? Optional.empty() : Optional.of(next.toInstant());
    }

    /** Starts firing: now, or when the first job is scheduled. */
    public void start() {
        synchronized (jobs) {
            started = true;
            if (quartz != null) {
                quartz();
            }
        }
    }

    /** The Quartz scheduler, created on first use and started once {@link #start} was called. Holds {@code jobs}. */
    private Scheduler quartz() {
        try {
            if (quartz == null) {
                quartz = QuartzFactory.create(this::fired);
            }
            if (started && !stopping && !quartz.isStarted()) {
                quartz.start();
            }
            return quartz;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the job scheduler: " + e.getMessage(), e);
        }
    }

    /** Every job, in the order scheduled. */
    public List<JobSnapshot> jobs() {
        List<Entry> entries;
        synchronized (jobs) {
            entries = new ArrayList<>(jobs.values());
        }
        List<JobSnapshot> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Optional<ZonedDateTime> next = nextFire(e.def.name);
            synchronized (e) {
                Definition d = e.def;
                out.add(new JobSnapshot(d.name, d.schedule, d.description, d.randomDelay, d.timeout, d.persistent, next,
                        Optional.ofNullable(e.running).map(r -> zoned(r.started)), e.last));
            }
        }
        return out;
    }

    private Optional<ZonedDateTime> nextFire(String name) {
        try {
            Scheduler q;
            synchronized (jobs) {
                q = stopping ? null : quartz;
            }
            Trigger t = q == null ? null : q.getTrigger(TriggerKey.triggerKey(name, CRON_GROUP));
            return t == null || t.getNextFireTime() == null ? Optional.empty()
                    : Optional.of(zoned(t.getNextFireTime().toInstant()));
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs the job now and completes with its result; fails with {@link JobRefusedException} when
     * there is no such job or it is running.
     */
    public CompletableFuture<JobRunResult> runNow(String name) {
        Entry e;
        synchronized (jobs) {
            e = jobs.get(name);
        }
        if (e == null) {
            return CompletableFuture.failedFuture(new JobRefusedException(JobRefusedException.Reason.NO_SUCH_JOB,
                    "no job named " + name));
        }
        CompletableFuture<JobRunResult> answer = new CompletableFuture<>();
        try {
            jobThread.execute(() -> {
                try {
                    start(e, MANUAL).whenComplete((r, x) -> {
                        if (x != null) {
                            answer.completeExceptionally(x);
                        } else {
                            answer.complete(r);
                        }
                    });
                } catch (JobRefusedException x) {
                    answer.completeExceptionally(x);
                }
            });
        } catch (RejectedExecutionException x) {
            answer.completeExceptionally(new JobRefusedException(JobRefusedException.Reason.BUSY,
                    "job " + name + " not started: svd is stopping"));
        }
        return answer;
    }

    /** On Quartz's worker: hands the fired trigger to the job thread. */
    private void fired(JobKey key, String why) {
        try {
            jobThread.execute(() -> fire(key, why));
        } catch (RejectedExecutionException e) {
            log.debug("job {}: fired while svd stops; not run", key.getName());
        }
    }

    /** On the job thread: a cron trigger (which may defer the run by its random delay) or a one-shot one. */
    private void fire(JobKey key, String why) {
        Entry e;
        synchronized (jobs) {
            e = jobs.get(key.getName());
        }
        if (e == null || stopping) {
            return;
        }
        if (why == null) {
            Duration delay = randomDelay(e.def.randomDelay);
            if (!delay.isZero()) {
                log.debug("job {}: scheduled run in {} (random delay)", e.def.name, Lifecycle.human(delay));
                once(e.def.name, SCHEDULE, delay);
                return;
            }
            why = SCHEDULE;
        }
        try {
            start(e, why);
        } catch (JobRefusedException x) {
            log.info("job {}: {} run skipped: {}", e.def.name, why, x.getMessage());
        }
    }

    private Duration randomDelay(Duration max) {
        return Duration.ofMillis((long) (random.getAsDouble() * max.toMillis()));
    }

    private void once(String name, String why, Duration delay) {
        long seq;
        synchronized (jobs) {
            seq = ++onceSeq;
        }
        Trigger t = TriggerBuilder.newTrigger().withIdentity(name + "." + seq, ONCE_GROUP).forJob(name)
                .usingJobData(WHY, why).startAt(Date.from(clock.instant().plus(delay)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
        try {
            Scheduler q;
            synchronized (jobs) {
                q = quartz();
            }
            q.scheduleJob(t);
        } catch (SchedulerException | IllegalStateException x) {
            log.error("job {}: cannot schedule its {} run: {}", name, why, x.getMessage(), x);
        }
    }

    private CompletableFuture<JobRunResult> start(Entry e, String why) throws JobRefusedException {
        String name = e.def.name;
        Instant started = clock.instant();
        @SuppressWarnings("unchecked")
        Running running = new Running(name, started, new CompletableFuture<>(), new CompletableFuture[1]);
        synchronized (e) {
            if (stopping) {
                throw new JobRefusedException(JobRefusedException.Reason.BUSY, "job " + name + " not started: svd is stopping");
            }
            if (e.running != null) {
                throw new JobRefusedException(JobRefusedException.Reason.BUSY, "job " + name + " is running since "
                        + CLOCK_TIME.format(zoned(e.running.started)));
            }
            e.running = running;
        }
        RunOutput out = new RunOutput(name, logDir.resolve("job-" + name + ".log"), TAIL_LINES);
        out.open("=== " + LOG_TIME.format(zoned(started)) + " " + name + " started (" + why + ")"
                + (e.def.task instanceof CommandTask ? ": " + e.def.task : ""));
        log.info("job {}: started ({})", name, why);
        CompletableFuture<JobOutcome> task;
        try {
            task = e.def.task.run(new JobRun(name, started, e.def.timeout, out, jobThread));
        } catch (RuntimeException x) {
            task = CompletableFuture.failedFuture(x);
        }
        running.task[0] = task;
        CompletableFuture<JobOutcome> guarded = task;
        CompletableFuture.delayedExecutor(e.def.timeout.plus(GUARD).toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> guarded.cancel(true));
        task.handle((o, x) -> o != null ? o : failure(e.def, x))
                .thenAcceptAsync(o -> finish(e, running, why, out, o), jobThread);
        return running.result;
    }

    private JobOutcome failure(Definition def, Throwable x) {
        Throwable cause = x instanceof CompletionException && x.getCause() != null ? x.getCause() : x;
        if (cause instanceof CancellationException) {
            return JobOutcome.failure(stopping ? "killed: svd is stopping" : "cancelled: still running "
                    + Lifecycle.human(GUARD) + " after its timeout of " + Lifecycle.human(def.timeout));
        }
        String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        log.error("job {}: its task failed (ref {})", def.name, ref, cause);
        return JobOutcome.failure("failed: " + cause + " (see svd's log, ref " + ref + ")");
    }

    private void finish(Entry e, Running running, String why, RunOutput out, JobOutcome outcome) {
        String name = e.def.name;
        Instant ended = clock.instant();
        Duration took = Duration.between(running.started, ended);
        out.close("=== " + LOG_TIME.format(zoned(ended)) + " " + name + ": " + outcome.result() + " after "
                + Lifecycle.human(took));
        LastRun last = new LastRun(running.started, ended, outcome.ok(), outcome.result());
        store.write(name, last);
        synchronized (e) {
            e.last = Optional.of(last);
            e.running = null;
        }
        if (outcome.ok()) {
            log.info("job {}: {} after {}", name, outcome.result(), Lifecycle.human(took));
        } else {
            log.warn("job {}: failed: {} after {}", name, outcome.result(), Lifecycle.human(took));
        }
        running.result.complete(new JobRunResult(name, why, running.started, took, outcome.ok(), outcome.result(),
                out.tail()));
    }

    private ZonedDateTime zoned(Instant at) {
        return ZonedDateTime.ofInstant(at, clock.getZone());
    }

    /**
     * Stops firing, and gives each running job {@code grace} to end before its task is cancelled
     * (a command's process group is SIGKILLed). Returns at once; {@link #awaitRuns} waits. Only the
     * first call counts.
     */
    public void stop(Duration grace) {
        synchronized (jobs) {
            if (stopping) {
                return;
            }
            stopping = true;
            stopGrace = grace;
        }
        try {
            Scheduler q;
            synchronized (jobs) {
                q = quartz;
            }
            if (q != null) {
                q.shutdown(false);
            }
        } catch (SchedulerException e) {
            log.error("cannot stop the job scheduler: {}", e.getMessage(), e);
        }
        for (Running r : running()) {
            log.info("job {}: running since {} while svd stops; killing it in {} if it has not ended", r.job,
                    CLOCK_TIME.format(zoned(r.started)), Lifecycle.human(grace));
            CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> r.task[0].cancel(true));
        }
    }

    /** Waits up to {@code max} for every running job to end; true when none runs. */
    boolean awaitRuns(Duration max) throws InterruptedException {
        CompletableFuture<?>[] all = running().stream().map(Running::result).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private List<Running> running() {
        List<Running> found = new ArrayList<>();
        synchronized (jobs) {
            for (Entry e : jobs.values()) {
                synchronized (e) {
                    if (e.running != null) {
                        found.add(e.running);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Waits for running jobs to end, up to the grace of an earlier {@link #stop} (without one, they
     * are killed at once), plus 2 s for the kill.
     */
    @Override
    public void close() {
        stop(Duration.ZERO);
        Duration wait;
        synchronized (jobs) {
            wait = stopGrace.plusSeconds(2);
        }
        try {
            awaitRuns(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jobThread.shutdown();
    }
}
