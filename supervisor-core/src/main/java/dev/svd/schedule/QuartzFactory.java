package dev.svd.schedule;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Builds svd's Quartz scheduler from explicit properties: no classpath {@code quartz.properties}, no
 * default-scheduler singleton (docs/decisions/0004 §3), RAMJobStore, and one worker thread that exists
 * only while triggers fire ({@link OnDemandThreadPool}): a fired trigger only starts a run and returns.
 * Stateless; any thread.
 */
final class QuartzFactory {
    /** Quartz keeps schedulers in a static repository by name: each instance needs its own (tests make several). */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** The one Quartz job class; instances come from our JobFactory, never from reflection. */
    static final class Fire implements Job {
        private final Consumer<String> target;

        Fire(Consumer<String> target) {
            this.target = target;
        }

        @Override
        public void execute(JobExecutionContext context) {
            target.accept(context.getJobDetail().getKey().getName());
        }
    }

    private QuartzFactory() {}

    /** @param target called on Quartz's worker with the fired job's name */
    static Scheduler create(Consumer<String> target) {
        Properties p = new Properties();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "svd-" + INSTANCES.incrementAndGet());
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, "svd");
        p.setProperty(StdSchedulerFactory.PROP_SCHED_THREAD_NAME, "svd-quartz");
        p.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
        p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, OnDemandThreadPool.class.getName());
        p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
        // A trigger more than a minute late (svd suspended) follows its misfire instruction: cron
        // triggers skip to the next time (QuartzTriggers).
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        try {
            Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
            Fire fire = new Fire(target);
            scheduler.setJobFactory((bundle, s) -> fire);
            return scheduler;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the job scheduler: " + e.getMessage(), e);
        }
    }
}
