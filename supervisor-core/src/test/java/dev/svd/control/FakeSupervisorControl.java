package dev.svd.control;

import dev.svd.config.Signal;
import dev.svd.engine.ActionResult;
import dev.svd.engine.ConfigChange;
import dev.svd.engine.ConfigControl;
import dev.svd.engine.ReadyOutcome;
import dev.svd.engine.ServiceControl;
import dev.svd.engine.ServiceEvent;
import dev.svd.engine.ServiceOutput;
import dev.svd.engine.ShutdownControl;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.OutputKind;
import dev.svd.protocol.ErrorCode;
import dev.svd.schedule.JobControl;
import dev.svd.schedule.JobRefusedException;
import dev.svd.schedule.JobRunResult;
import dev.svd.schedule.JobSnapshot;
import dev.svd.schedule.LastRun;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An in-memory engine and job scheduler for control tests, one fake behind every port the control
 * server takes: services change state at once. {@code hang} never answers an action; {@code boom}
 * throws from every action. Thread-safe (one lock).
 */
final class FakeSupervisorControl implements ServiceControl, ServiceOutput, ConfigControl, ShutdownControl, JobControl {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
    private final Map<String, List<String>> output = new LinkedHashMap<>();
    private final List<ServiceEvent> events = new ArrayList<>();
    private final List<Consumer<ServiceEvent>> eventSinks = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> outputSinks = new CopyOnWriteArrayList<>();
    /** Followers of stderr: counted, never fed (writeOutput writes to stdout). */
    private final List<Consumer<String>> stderrSinks = new CopyOnWriteArrayList<>();
    final List<String> signalsSent = new CopyOnWriteArrayList<>();
    final AtomicInteger shutdowns = new AtomicInteger();
    /** With jobs: {@code renew} (ran, succeeds when run) and {@code backup} (running: run answers BUSY). */
    volatile boolean withJobs;
    volatile ConfigChange nextChange = new ConfigChange(List.of("cache"), List.of(), List.of("web"), List.of("db"), List.of());
    private long seq;
    private int nextPid = 5000;

    FakeSupervisorControl() {
        put(snapshot("web", ServiceState.RUNNING, 4242, NOW.minusSeconds(192), 2, Health.HEALTHY,
                Optional.of(ExitStatus.exited(1, NOW.minusSeconds(200)))));
        put(snapshot("db", ServiceState.STOPPED, 0, null, 0, Health.UNKNOWN, Optional.empty()));
        put(snapshot("hang", ServiceState.RUNNING, 4343, NOW.minusSeconds(5), 0, Health.UNKNOWN, Optional.empty()));
        put(snapshot("boom", ServiceState.RUNNING, 4444, NOW.minusSeconds(5), 0, Health.UNKNOWN, Optional.empty()));
        output.put("web", new ArrayList<>(List.of("listening on :8080", "GET / 200", "GET /health 200")));
        transition("web", ServiceState.STOPPED, ServiceState.STARTING, "operator start");
        transition("web", ServiceState.STARTING, ServiceState.RUNNING, "up for 1s");
    }

    private static ServiceSnapshot snapshot(String name, ServiceState state, int pid, Instant startedAt, int restarts,
                                            Health health, Optional<ExitStatus> lastExit) {
        return new ServiceSnapshot(name, state, pid, startedAt, restarts, 0, List.of(), lastExit, health,
                state.label(), 1, false, false, true, "", Optional.empty(), Optional.empty());
    }

    private synchronized void put(ServiceSnapshot s) {
        services.put(s.name(), s);
    }

    /** Records and publishes a state change, as the engine would. */
    synchronized void transition(String name, ServiceState from, ServiceState to, String reason) {
        ServiceEvent e = new ServiceEvent(++seq, NOW.plusSeconds(seq), name, from, to, reason);
        events.add(e);
        for (Consumer<ServiceEvent> sink : eventSinks) {
            sink.accept(e);
        }
    }

    /** A new output line of {@code web}, as a process would write it. */
    void writeOutput(String line) {
        synchronized (this) {
            output.get("web").add(line);
        }
        for (Consumer<String> sink : outputSinks) {
            sink.accept(line);
        }
    }

    /** Subscriptions to either stream: svctl logs -f of both streams makes two. */
    int outputFollowers() {
        return outputSinks.size() + stderrSinks.size();
    }

    int eventFollowers() {
        return eventSinks.size();
    }

    @Override
    public synchronized List<ServiceSnapshot> services() {
        return List.copyOf(services.values());
    }

    @Override
    public synchronized Optional<ServiceSnapshot> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    private synchronized CompletableFuture<ActionResult> act(String name, ServiceState target, String done,
                                                              boolean needsProcess) {
        ServiceSnapshot s = services.get(name);
        if (s == null) {
            return CompletableFuture.completedFuture(new ActionResult(name, ErrorCode.NO_SUCH_SERVICE,
                    "no service named " + name, null, Duration.ZERO));
        }
        if (name.equals("hang")) {
            return new CompletableFuture<>();
        }
        if (name.equals("boom")) {
            throw new IllegalStateException("boom: the fake engine exploded");
        }
        if (needsProcess && !s.state().hasProcess()) {
            return CompletableFuture.completedFuture(new ActionResult(name, ErrorCode.NOT_RUNNING,
                    name + " is not running (" + s.state().label() + ")", s, Duration.ZERO));
        }
        int pid = target == ServiceState.RUNNING ? (s.pid() > 0 && needsProcess ? s.pid() : nextPid++) : 0;
        ServiceSnapshot after = new ServiceSnapshot(name, target, pid, pid > 0 ? NOW : null, s.restarts(), 0,
                List.of(), s.lastExit(), s.health(), done, s.generation() + 1, false, false, true, "", Optional.empty(),
                Optional.empty());
        services.put(name, after);
        if (s.state() != target) {
            transition(name, s.state(), target, "operator " + done);
        }
        return CompletableFuture.completedFuture(new ActionResult(name, null, done, after, Duration.ofMillis(12)));
    }

    @Override
    public CompletableFuture<ActionResult> start(String name, Duration timeout) {
        return act(name, ServiceState.RUNNING, "started", false);
    }

    @Override
    public CompletableFuture<ActionResult> stop(String name, Duration timeout) {
        return act(name, ServiceState.STOPPED, "stopped", false);
    }

    @Override
    public CompletableFuture<ActionResult> restart(String name, Duration timeout) {
        return act(name, ServiceState.RUNNING, "restarted", false);
    }

    @Override
    public CompletableFuture<ActionResult> reload(String name, Duration timeout) {
        return act(name, ServiceState.RUNNING, "reloaded", true);
    }

    @Override
    public CompletableFuture<ActionResult> signal(String name, Signal signal) {
        CompletableFuture<ActionResult> f = act(name, ServiceState.RUNNING, "sent SIG" + signal.name(), true);
        if (f.isDone() && f.join().ok()) {
            signalsSent.add(name + ":" + signal.name());
        }
        return f;
    }

    @Override
    public synchronized List<String> tail(String name, int lines, OutputKind stream) {
        List<String> all = stream == OutputKind.STDERR ? List.of("warning: stderr line") : output.getOrDefault(name, List.of());
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public AutoCloseable followOutput(String name, OutputKind stream, Consumer<String> sink) {
        List<Consumer<String>> sinks = stream == OutputKind.STDERR ? stderrSinks : outputSinks;
        sinks.add(sink);
        return () -> sinks.remove(sink);
    }

    @Override
    public synchronized List<ServiceEvent> recentEvents(int limit) {
        return List.copyOf(events.subList(Math.max(0, events.size() - limit), events.size()));
    }

    @Override
    public AutoCloseable subscribe(Consumer<ServiceEvent> sink) {
        eventSinks.add(sink);
        return () -> eventSinks.remove(sink);
    }

    /**
     * Judged at once, as the fake's services change state at once: running and ready, or DOWN (stopped, failed,
     * exited), or TIMEOUT for any other state; {@code hang} never answers.
     */
    @Override
    public synchronized CompletableFuture<ReadyOutcome> awaitReady(Collection<String> names, Duration timeout) {
        for (String name : names) {
            ServiceSnapshot s = services.get(name);
            if (s == null) {
                return CompletableFuture.completedFuture(new ReadyOutcome(ReadyOutcome.Kind.NO_SUCH_SERVICE, name,
                        "no such service: " + name));
            }
            if (name.equals("hang")) {
                return new CompletableFuture<>();
            }
            if (s.state() == ServiceState.STOPPED || s.state() == ServiceState.FAILED || s.state() == ServiceState.EXITED) {
                return CompletableFuture.completedFuture(new ReadyOutcome(ReadyOutcome.Kind.DOWN, name,
                        name + " will not become ready: it is " + s.state().label()));
            }
            if (s.state() != ServiceState.RUNNING || !s.ready()) {
                return CompletableFuture.completedFuture(new ReadyOutcome(ReadyOutcome.Kind.TIMEOUT, name,
                        "not ready after " + timeout.toSeconds() + "s: " + name));
            }
        }
        return CompletableFuture.completedFuture(new ReadyOutcome(ReadyOutcome.Kind.READY, null,
                String.join(", ", names) + ": ready"));
    }

    @Override
    public ConfigChange reread() {
        return nextChange;
    }

    @Override
    public CompletableFuture<ConfigChange> update() {
        return CompletableFuture.completedFuture(nextChange);
    }

    @Override
    public Optional<dev.svd.config.ServiceSpec> spec(String name) {
        return Optional.empty();
    }

    @Override
    public void shutdown() {
        shutdowns.incrementAndGet();
    }

    @Override
    public List<JobSnapshot> jobs() {
        if (!withJobs) {
            return List.of();
        }
        ZonedDateTime now = NOW.atZone(ZoneOffset.UTC);
        return List.of(
                new JobSnapshot("renew", "0 3,15 * * *", "at 3 and 15 hours", Duration.ofHours(1), Duration.ofMinutes(10),
                        true, Optional.of(now.withHour(15).withMinute(0)), Optional.empty(),
                        Optional.of(new LastRun(NOW.minusSeconds(9 * 3600), NOW.minusSeconds(9 * 3600 - 2), true, "exited 0"))),
                new JobSnapshot("backup", "@daily", "at 00:00", Duration.ZERO, Duration.ofHours(1), false,
                        Optional.of(now.plusDays(1).withHour(0).withMinute(0)), Optional.of(now.minusSeconds(65)),
                        Optional.empty()));
    }

    @Override
    public CompletableFuture<JobRunResult> runNow(String name) {
        if (withJobs && name.equals("renew")) {
            return CompletableFuture.completedFuture(new JobRunResult("renew", "manual", NOW, Duration.ofMillis(2300),
                    false, "exited 1", List.of("Saving debug log", "renewal failed")));
        }
        if (withJobs && name.equals("backup")) {
            return CompletableFuture.failedFuture(new JobRefusedException(JobRefusedException.Reason.BUSY,
                    "job backup is running since 11:58:55"));
        }
        return CompletableFuture.failedFuture(new JobRefusedException(JobRefusedException.Reason.NO_SUCH_JOB,
                "no job named " + name + " (no jobs are configured)"));
    }
}
