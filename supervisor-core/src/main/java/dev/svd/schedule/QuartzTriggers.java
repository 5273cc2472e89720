package dev.svd.schedule;

import java.util.function.Consumer;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz adapter: one cron trigger per job, which tells {@code fired} the job's name on Quartz's
 * worker thread (the callback must only hand it on). Quartz is created with the first trigger, so
 * without jobs svd has no Quartz threads. Random delays, missed runs and timeouts are not Quartz's:
 * they are timers of the job thread. With {@link CronSchedule}, {@link QuartzFactory} and
 * {@link OnDemandThreadPool}, the only code that imports org.quartz. Job thread only.
 */
final class QuartzTriggers {
    private static final Logger log = LoggerFactory.getLogger(QuartzTriggers.class);
    private static final String CRON_GROUP = "cron";

    private final Consumer<String> fired;
    private Scheduler quartz;
    private boolean started;
    private boolean shutDown;

    /** @param fired called on Quartz's worker with the job's name; must not block */
    QuartzTriggers(Consumer<String> fired) {
        this.fired = fired;
    }

    /**
     * Adds job {@code name}'s cron trigger; it fires once {@link #start} was called.
     *
     * @throws IllegalStateException when Quartz refuses it
     */
    void add(String name, CronSchedule cron) {
        Scheduler q = quartz();
        JobDetail detail = JobBuilder.newJob(QuartzFactory.Fire.class).withIdentity(name).storeDurably().build();
        // A trigger more than misfireThreshold late (svd suspended) skips to its next time: a missed
        // run is svd's own business (MissedRuns), at svd's start only.
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name, CRON_GROUP).forJob(detail)
                .withSchedule(CronScheduleBuilder.cronSchedule(cron.quartz()).withMisfireHandlingInstructionDoNothing())
                .build();
        try {
            q.addJob(detail, false);
            q.scheduleJob(trigger);
        } catch (SchedulerException e) {
            throw new IllegalStateException("job " + name + ": Quartz refused its trigger: " + e.getMessage(), e);
        }
    }

    /** Starts firing: now, or as soon as the first trigger is added. */
    void start() {
        started = true;
        if (quartz != null) {
            quartz();
        }
    }

    /** Stops firing for good and lets Quartz's threads end (a failure is logged); later triggers are refused. */
    void shutdown() {
        shutDown = true;
        if (quartz != null) {
            try {
                quartz.shutdown(false);
            } catch (SchedulerException e) {
                log.error("cannot stop the job scheduler: {}", e.getMessage(), e);
            }
        }
    }

    private Scheduler quartz() {
        if (shutDown) {
            throw new IllegalStateException("the job scheduler has stopped");
        }
        try {
            if (quartz == null) {
                quartz = QuartzFactory.create(fired);
            }
            if (started && !quartz.isStarted()) {
                quartz.start();
            }
            return quartz;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the job scheduler: " + e.getMessage(), e);
        }
    }
}
