package dev.svd.schedule;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.core.QuartzScheduler;
import org.quartz.core.QuartzSchedulerResources;
import org.quartz.impl.DefaultThreadExecutor;
import org.quartz.impl.StdJobRunShellFactory;
import org.quartz.impl.StdScheduler;
import org.quartz.simpl.CascadingClassLoadHelper;
import org.quartz.simpl.RAMJobStore;

/**
 * Builds svd's Quartz scheduler from explicit parts: no classpath {@code quartz.properties}, no
 * default-scheduler singleton (docs/decisions/0004 §3), RAMJobStore, and one worker thread that exists
 * only while triggers fire ({@link OnDemandThreadPool}): a fired trigger only starts a run and returns.
 * The parts are put together by hand, as Quartz's {@code DirectSchedulerFactory} does, not through
 * {@code StdSchedulerFactory}: that one sets its properties by JavaBeans introspection, which loaded
 * java.beans and ~40 classes of java.desktop into every svd with a job (docs/benchmarks.md, "Idle,
 * the reference deployment"), and it has no way to name the scheduler thread without it.
 * Stateless; any thread.
 */
final class QuartzFactory {
    /** Each scheduler's name, for Quartz's own log lines (tests make several in one JVM). */
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
        try {
            OnDemandThreadPool pool = new OnDemandThreadPool();
            pool.initialize();
            RAMJobStore store = new RAMJobStore();
            // A trigger more than a minute late (svd suspended) follows its misfire instruction: cron
            // triggers skip to the next time (QuartzTriggers).
            store.setMisfireThreshold(60_000);
            QuartzSchedulerResources resources = new QuartzSchedulerResources();
            resources.setName("svd-" + INSTANCES.incrementAndGet());
            resources.setInstanceId("svd");
            resources.setThreadName("svd-quartz");
            resources.setMakeSchedulerThreadDaemon(true);
            resources.setThreadPool(pool);
            resources.setThreadExecutor(new DefaultThreadExecutor());
            resources.setJobStore(store);
            StdJobRunShellFactory shells = new StdJobRunShellFactory();
            resources.setJobRunShellFactory(shells);
            // -1, -1: Quartz's defaults for the idle wait (up to 30 s between looks) and the
            // database retry (no database here), as StdSchedulerFactory passes them when unset.
            QuartzScheduler quartz = new QuartzScheduler(resources, -1, -1);
            CascadingClassLoadHelper classes = new CascadingClassLoadHelper();
            classes.initialize();
            store.initialize(classes, quartz.getSchedulerSignaler());
            Scheduler scheduler = new StdScheduler(quartz);
            shells.initialize(scheduler);
            quartz.initialize();
            Fire fire = new Fire(target);
            scheduler.setJobFactory((bundle, s) -> fire);
            return scheduler;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the job scheduler: " + e.getMessage(), e);
        }
    }
}
