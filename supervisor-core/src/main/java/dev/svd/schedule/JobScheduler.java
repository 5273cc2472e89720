package dev.svd.schedule;

import dev.svd.config.JobSpec;
import dev.svd.cron.Crontab;
import dev.svd.os.CommandRunner;
import dev.svd.timing.TimerQueue;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's jobs: each one a {@link JobTask} on a crontab schedule, run one at a time, with a random
 * delay per run, a timeout, its output in {@code log-dir/job-NAME.log}, and its last run recorded in
 * {@code state-dir/jobs} so that a run missed while svd was down happens soon after start (jobs.md).
 * <p>
 * One thread, {@code svd-jobs}, owns every job's state (its run in progress, its last run, its
 * timers), like the engine owns the services': Quartz's worker ({@link QuartzTriggers}), run
 * completions and callers of the public methods only offer work to its inbox, its timers are
 * entries in its own queue ({@link TimerQueue}), and readers get the immutable snapshot it publishes
 * after each piece of work. The thread starts with the first work offered, so without jobs svd has
 * no job threads. Public methods: any thread.
 */
public final class JobScheduler implements JobControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
    /** Lines of output kept with each run's result. */
    static final int TAIL_LINES = 20;
    /** A missed run waits at most this long (its random delay, bounded) after svd starts. */
    static final Duration CATCH_UP_CAP = Duration.ofMinutes(1);
    /** How long {@link #close()} waits for the job thread to end once no run is left. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    static final String SCHEDULE = "schedule";
    static final String MISSED = "missed";
    static final String MANUAL = "manual";

    private final Clock clock;
    private final Duration catchUpCap;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicBoolean threadStarted = new AtomicBoolean();
    /** Set by {@link #start()} (any thread); the job thread begins firing when it sees it. */
    private volatile boolean startAsked;
    /** Set by {@link #close()} once the job thread is told to end: later work is refused. */
    private volatile boolean closed;
    /** What the job thread last published; read by any thread. */
    private volatile Published published = new Published(List.of(), false);

    // ---- the job thread's own state -----------------------------------------------------------
    private final TimerQueue timers;
    private final Job.Context context;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final QuartzTriggers triggers = new QuartzTriggers(this::fired);
    private final List<Runnable> announcements = new ArrayList<>();
    private boolean started;
    private boolean stopping;
    /** What the first {@link #stop} gave running jobs. */
    private Duration stopGrace = Duration.ZERO;

    /** One job as published: its view and its schedule, from which readers compute the next time. */
    private record PublishedJob(JobSnapshot snapshot, CronSchedule cron, Supplier<String> description) {}

    private record Published(List<PublishedJob> jobs, boolean stopping) {
        Published {
            jobs = List.copyOf(jobs);
        }
    }

    /** Jobs in the machine's time zone (crontab's rule), with a random delay from ThreadLocalRandom. */
    public JobScheduler(Path logDir, Path stateDir) {
        this(logDir, stateDir, null);
    }

    /** @param logGroup of new job log files (the control's read-only group); null: svd's own */
    public JobScheduler(Path logDir, Path stateDir, GroupPrincipal logGroup) {
        this(logDir, stateDir, Clock.systemDefaultZone(), () -> ThreadLocalRandom.current().nextDouble(), CATCH_UP_CAP,
                System::nanoTime, logGroup);
    }

    /** @param random in [0, 1), the seam for delays in tests; {@code clock}'s zone is the schedules' zone */
    JobScheduler(Path logDir, Path stateDir, Clock clock, DoubleSupplier random, Duration catchUpCap) {
        this(logDir, stateDir, clock, random, catchUpCap, System::nanoTime, null);
    }

    /** @param nanos the monotonic clock of the job thread's timers */
    JobScheduler(Path logDir, Path stateDir, Clock clock, DoubleSupplier random, Duration catchUpCap, LongSupplier nanos) {
        this(logDir, stateDir, clock, random, catchUpCap, nanos, null);
    }

    private JobScheduler(Path logDir, Path stateDir, Clock clock, DoubleSupplier random, Duration catchUpCap,
            LongSupplier nanos, GroupPrincipal logGroup) {
        this.clock = clock;
        this.catchUpCap = catchUpCap;
        this.timers = new TimerQueue(nanos);
        this.context = new Job.Context(clock, logDir, logGroup, new LastRunStore(stateDir), timers, this::offer,
                announcements::add, random);
        this.thread = new Thread(this::loop, "svd-jobs");
        this.thread.setDaemon(true);
    }

    /** Schedules a job from the config: its command runs through {@code runner}. */
    public void schedule(JobSpec spec, CommandRunner runner) {
        schedule(spec.name(), spec.schedule(), spec.randomDelay(), spec.timeout(), spec.persistent(),
                new CommandTask(spec, runner));
    }

    /**
     * Schedules {@code task} as job {@code name} on a crontab schedule (5 fields or a nickname such as
     * {@code @daily}), before or after {@link #start()}. A persistent job whose recorded last run is
     * older than a scheduled time that has passed runs soon after start.
     *
     * @throws IllegalArgumentException for an invalid schedule or a name already scheduled
     */
    public void schedule(String name, String crontab, Duration randomDelay, Duration timeout, boolean persistent,
                         JobTask task) {
        Crontab parsed = Crontab.parse(crontab);
        scheduleQuartz(name, parsed.quartz(), parsed.text(), parsed::description, randomDelay, timeout, persistent, task);
    }

    /** The seam for a seconds-level Quartz cron expression in tests; {@code schedule} is what operators see. */
    void scheduleQuartz(String name, String quartzCron, String schedule, String description, Duration randomDelay,
                        Duration timeout, boolean persistent, JobTask task) {
        scheduleQuartz(name, quartzCron, schedule, () -> description, randomDelay, timeout, persistent, task);
    }

    private void scheduleQuartz(String name, String quartzCron, String schedule, Supplier<String> description,
                                Duration randomDelay, Duration timeout, boolean persistent, JobTask task) {
        CronSchedule cron;
        try {
            cron = new CronSchedule(quartzCron, clock.getZone());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job " + name + ": " + e.getMessage(), e);
        }
        Job.Definition def = new Job.Definition(name, schedule, description, cron, randomDelay, timeout, persistent, task);
        call(() -> {
            register(def);
            return null;
        });
    }

    private void register(Job.Definition def) {
        String name = def.name();
        if (stopping || jobs.containsKey(name)) {
            throw new IllegalArgumentException("job " + name + (stopping ? ": svd is stopping" : " is already scheduled"));
        }
        triggers.add(name, def.cron());
        Job job = new Job(def, context, context.store().read(name));
        jobs.put(name, job);
        if (started) {
            job.catchUp(catchUpCap);
        } else if (startAsked) {
            beginFiring();
        }
    }

    /** Starts firing (and catching up missed runs): now, or when the first job is scheduled. */
    public void start() {
        startAsked = true;
        if (threadStarted.get()) {
            call(() -> {
                beginFiring();
                return null;
            });
        }
    }

    private void beginFiring() {
        if (started || stopping) {
            return;
        }
        started = true;
        triggers.start();
        jobs.values().forEach(j -> j.catchUp(catchUpCap));
    }

    /** Every job, in the order scheduled, as last published. */
    public List<JobSnapshot> jobs() {
        Published p = published;
        List<JobSnapshot> out = new ArrayList<>(p.jobs().size());
        for (PublishedJob j : p.jobs()) {
            JobSnapshot s = j.snapshot();
            Optional<ZonedDateTime> next = p.stopping() ? Optional.empty()
                    : j.cron().nextAfter(clock.instant()).map(at -> ZonedDateTime.ofInstant(at, clock.getZone()));
            out.add(new JobSnapshot(s.name(), s.schedule(), j.description().get(), s.randomDelay(), s.timeout(),
                    s.persistent(), next, s.runningSince(), s.lastRun(), s.lastSuccess()));
        }
        return List.copyOf(out);
    }

    /**
     * Runs the job now and completes with its result; fails with {@link JobRefusedException} when
     * there is no such job or it is running.
     */
    public CompletableFuture<JobRunResult> runNow(String name) {
        CompletableFuture<JobRunResult> answer = new CompletableFuture<>();
        boolean offered = offer(() -> {
            Job job = jobs.get(name);
            if (job == null) {
                answer.completeExceptionally(new JobRefusedException(JobRefusedException.Reason.NO_SUCH_JOB,
                        "no job named " + name));
                return;
            }
            try {
                job.start(MANUAL).whenComplete((r, x) -> {
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
        if (!offered) {
            answer.completeExceptionally(new JobRefusedException(JobRefusedException.Reason.BUSY,
                    "job " + name + " not started: svd is stopping"));
        }
        return answer;
    }

    /** On Quartz's worker: hands the fired trigger to the job thread. */
    private void fired(String name) {
        if (!offer(() -> {
            Job job = jobs.get(name);
            if (job != null && !stopping) {
                job.fired();
            }
        })) {
            log.debug("job {}: fired while svd stops; not run", name);
        }
    }

    /**
     * Stops firing, and gives each running job {@code grace} to end before its task is cancelled
     * (a command's process group is SIGKILLed). Returns at once; {@link #awaitRuns} waits. Only the
     * first call counts.
     */
    public void stop(Duration grace) {
        if (!threadStarted.get()) {
            // Nothing was ever scheduled or asked for: no runs, no triggers. Later work is refused.
            closed = true;
            return;
        }
        offer(() -> {
            if (stopping) {
                return;
            }
            stopping = true;
            stopGrace = grace;
            triggers.shutdown();
            jobs.values().forEach(j -> j.stop(grace));
        });
    }

    /** Waits up to {@code max} for every running job to end; true when none runs. */
    boolean awaitRuns(Duration max) throws InterruptedException {
        if (!threadStarted.get()) {
            return true;
        }
        List<CompletableFuture<JobRunResult>> running;
        try {
            running = call(() -> jobs.values().stream().flatMap(j -> j.runningResult().stream()).toList());
        } catch (IllegalStateException e) {
            return true; // the job thread has ended: so have the runs (close() waited for them)
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * Waits for running jobs to end, up to the grace of an earlier {@link #stop} (without one, they
     * are killed at once), plus 2 s for the kill; then ends the job thread.
     */
    @Override
    public void close() {
        stop(Duration.ZERO);
        if (!threadStarted.get() || closed) {
            return;
        }
        try {
            awaitRuns(call(() -> stopGrace).plusSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            log.warn("jobs: {}", e.getMessage());
        }
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the job thread -----------------------------------------------------------------------

    /** Hands {@code work} to the job thread (starting it with the first work); false once closed. */
    private boolean offer(Runnable work) {
        if (closed) {
            return false;
        }
        inbox.add(work);
        if (threadStarted.compareAndSet(false, true)) {
            thread.start();
        }
        return true;
    }

    /**
     * Runs {@code work} on the job thread and returns its result once the snapshot after it is
     * published; its RuntimeException is thrown here.
     *
     * @throws IllegalStateException when the job thread has ended
     */
    private <T> T call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!offer(() -> {
            try {
                T value = work.get();
                announcements.add(() -> result.complete(value));
            } catch (RuntimeException e) {
                announcements.add(() -> result.completeExceptionally(e));
            }
        })) {
            throw new IllegalStateException("the job scheduler has stopped");
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long wait = timers.nanosUntilNext();
                Runnable work = wait == 0 ? inbox.poll() : inbox.poll(Math.min(wait, TimeUnit.DAYS.toNanos(1)), TimeUnit.NANOSECONDS);
                if (work != null) {
                    work.run();
                }
                timers.runDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
                log.error("jobs: unexpected error (ref {})", ref, e);
            }
            publish(); // before announcing, so that whoever hears of a run reads it in jobs()
            announce();
        }
    }

    private void publish() {
        List<PublishedJob> view = new ArrayList<>(jobs.size());
        for (Job j : jobs.values()) {
            view.add(new PublishedJob(j.snapshot(), j.definition().cron(), j.definition().description()));
        }
        published = new Published(view, stopping);
    }

    private void announce() {
        List<Runnable> now = List.copyOf(announcements);
        announcements.clear();
        for (Runnable a : now) {
            try {
                a.run();
            } catch (RuntimeException e) {
                log.error("jobs: a run's answer failed", e);
            }
        }
    }
}
