package dev.svd.daemon;

import dev.svd.config.Signal;
import dev.svd.engine.ActionResult;
import dev.svd.engine.ConfigChange;
import dev.svd.engine.ReadyOutcome;
import dev.svd.engine.ServiceEvent;
import dev.svd.engine.SupervisorControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.logs.OutputKind;
import dev.svd.schedule.JobRunResult;
import dev.svd.schedule.JobScheduler;
import dev.svd.schedule.JobSnapshot;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the control server and the signal bridge see: services answered by the engine, jobs by the
 * job scheduler. Stopping svd stops both: the scheduler fires no more and gives a running job the
 * stop budget to end. Stateless; any thread.
 */
final class ServicesAndJobs implements SupervisorControl {
    private final SupervisorControl engine;
    private final JobScheduler jobs;
    private final Duration stopBudget;

    ServicesAndJobs(SupervisorControl engine, JobScheduler jobs, Duration stopBudget) {
        this.engine = engine;
        this.jobs = jobs;
        this.stopBudget = stopBudget;
    }

    @Override
    public List<JobSnapshot> jobs() {
        return jobs.jobs();
    }

    @Override
    public CompletableFuture<JobRunResult> runJob(String name) {
        return jobs.runNow(name);
    }

    @Override
    public void shutdown() {
        jobs.stop(stopBudget);
        engine.shutdown();
    }

    @Override
    public List<ServiceSnapshot> services() {
        return engine.services();
    }

    @Override
    public Optional<ServiceSnapshot> service(String name) {
        return engine.service(name);
    }

    @Override
    public CompletableFuture<ActionResult> start(String name, Duration timeout) {
        return engine.start(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> stop(String name, Duration timeout) {
        return engine.stop(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> restart(String name, Duration timeout) {
        return engine.restart(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> reload(String name, Duration timeout) {
        return engine.reload(name, timeout);
    }

    @Override
    public CompletableFuture<ActionResult> signal(String name, Signal signal) {
        return engine.signal(name, signal);
    }

    @Override
    public List<String> tail(String name, int lines, OutputKind stream) {
        return engine.tail(name, lines, stream);
    }

    @Override
    public long outputBytes(String name, OutputKind stream) {
        return engine.outputBytes(name, stream);
    }

    @Override
    public AutoCloseable followOutput(String name, OutputKind stream, Consumer<String> sink) {
        return engine.followOutput(name, stream, sink);
    }

    @Override
    public List<ServiceEvent> recentEvents(int limit) {
        return engine.recentEvents(limit);
    }

    @Override
    public AutoCloseable subscribe(Consumer<ServiceEvent> sink) {
        return engine.subscribe(sink);
    }

    @Override
    public CompletableFuture<ReadyOutcome> awaitReady(Collection<String> names, Duration timeout) {
        return engine.awaitReady(names, timeout);
    }

    @Override
    public void announce(String subject, String reason) {
        engine.announce(subject, reason);
    }

    @Override
    public ConfigChange reread() {
        return engine.reread();
    }

    @Override
    public CompletableFuture<ConfigChange> update() {
        return engine.update();
    }
}
