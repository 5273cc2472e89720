package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.DaemonSpec;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.config.Origin;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceState;
import dev.svd.protocol.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's dependency order ({@link Goals}), {@code update} and the action waiters, over {@link FakeRunner}
 * (no processes) and a fake timer clock: asserts on published snapshots and on the spawns and signals the
 * runner recorded.
 */
class EngineFakeRunnerTest {
    private static final Duration ACTION = Duration.ofSeconds(30); // on the fake clock: never runs out here
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final FakeRunner runner = new FakeRunner();
    private final AtomicReference<SupervisorSpec> file = new AtomicReference<>();
    private Engine engine;

    private static SupervisorSpec config(ServiceSpec... specs) {
        Map<String, ServiceSpec> map = new LinkedHashMap<>();
        for (ServiceSpec s : specs) {
            map.put(s.name(), s);
        }
        return new SupervisorSpec(Path.of("svd.conf"), DaemonSpec.DEFAULT, map, List.copyOf(map.keySet()));
    }

    /** Starts an engine over {@code specs} (in start order, dependencies first). */
    private Engine start(ServiceSpec... specs) {
        SupervisorSpec config = config(specs);
        file.set(config);
        engine = new Engine(config, file::get, runner, OutputRegistry.NONE, new Lifecycle(() -> 0.5),
                Clock.systemUTC(), null, nanos::get);
        runner.engine = engine;
        engine.start();
        return engine;
    }

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            engine.shutdown();
            try {
                engine.stopped().get(20, TimeUnit.SECONDS);
            } finally {
                engine.close();
            }
        }
    }

    private static ServiceSpec service(String name, String... dependsOn) {
        return EngineEventsTest.service(name).withDependsOn(List.of(dependsOn));
    }

    private ServiceState state(String name) {
        return engine.service(name).orElseThrow().state();
    }

    private List<String> spawned() {
        return runner.spawns.stream().map(ServiceSpec::name).toList();
    }

    /** Returns once the engine has handled everything offered so far (two notices: see EngineFakeClockTest). */
    private void settle() {
        String mark = "settled at " + nanos.get() + " " + System.nanoTime();
        engine.announce("test", mark);
        engine.announce("test", mark + ", twice");
        await().atMost(EngineEventsTest.WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> engine.recentEvents(5).stream().anyMatch(e -> e.reason().equals(mark + ", twice")));
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
        settle();
    }

    @Test
    void goalsStartADependentOnlyOnceWhatItDependsOnRuns() {
        start(service("db").withStartSeconds(Duration.ofHours(1)), service("app", "db"), service("web", "app"));
        EngineEventsTest.awaitSnapshot(engine, "db", s -> s.pid() != 0);
        settle();
        assertThat(spawned()).as("while db is still in its start-seconds").containsExactly("db");
        assertThat(state("app")).isEqualTo(ServiceState.STOPPED);

        advance(Duration.ofHours(1));
        EngineEventsTest.awaitSnapshot(engine, "web", s -> s.state() == ServiceState.RUNNING);
        assertThat(spawned()).containsExactly("db", "app", "web");
    }

    @Test
    void stoppingADependencyStopsItsDependentsFirstAndReportsThem() throws Exception {
        start(service("db"), service("app", "db"), service("web", "app"), service("other"));
        EngineEventsTest.awaitSnapshot(engine, "web", s -> s.state() == ServiceState.RUNNING);
        EngineEventsTest.awaitSnapshot(engine, "other", s -> s.state() == ServiceState.RUNNING);

        ActionResult r = engine.stop("db", ACTION).get(20, TimeUnit.SECONDS);

        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.after().state()).isEqualTo(ServiceState.STOPPED);
        assertThat(r.also()).extracting(ActionResult.Related::service, ActionResult.Related::message)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("app", "stopped"),
                        org.assertj.core.groups.Tuple.tuple("web", "stopped"));
        assertThat(runner.signals).as("dependents first").containsExactly("web TERM", "app TERM", "db TERM");
        assertThat(state("other")).isEqualTo(ServiceState.RUNNING);
    }

    /** What /readyz counts (docs/metrics.md): the operator's stop takes a service and its dependents out. */
    @Test
    void wantedServicesLeaveOutWhatTheOperatorStoppedUntilStartedAgain() throws Exception {
        Engine e = new Engine(config(service("db"), service("app", "db"), service("other")), file::get, runner,
                OutputRegistry.NONE, new Lifecycle(() -> 0.5), Clock.systemUTC(), null, nanos::get);
        assertThat(e.wanted()).as("before start: all, svd is about to start them")
                .isEqualTo(new WantedServices(java.util.Set.of("db", "app", "other"), false));
        e.close();
        start(service("db"), service("app", "db"), service("other"));
        EngineEventsTest.awaitSnapshot(engine, "app", s -> s.state() == ServiceState.RUNNING);

        engine.stop("db", ACTION).get(20, TimeUnit.SECONDS);
        assertThat(engine.wanted().names()).containsExactly("other");
        engine.start("app", ACTION).get(20, TimeUnit.SECONDS);
        assertThat(engine.wanted().names()).containsExactlyInAnyOrder("db", "app", "other");

        engine.shutdown();
        await().atMost(EngineEventsTest.WAIT).until(() -> engine.wanted().shuttingDown());
        assertThat(engine.wanted().names()).isEmpty();
    }

    @Test
    void startWaitsUntilTheServiceIsReady() throws Exception {
        start(service("slow").withStartSeconds(Duration.ofHours(1)));
        EngineEventsTest.awaitSnapshot(engine, "slow", s -> s.pid() != 0);
        engine.stop("slow", ACTION).get(20, TimeUnit.SECONDS);

        CompletableFuture<ActionResult> started = engine.start("slow", ACTION.plus(Duration.ofHours(2)));
        await().atMost(EngineEventsTest.WAIT).until(() -> runner.spawns.size() == 2);
        advance(Duration.ofMinutes(59));
        assertThat(state("slow")).isEqualTo(ServiceState.STARTING);
        assertThat(started).as("in its start-seconds").isNotDone();

        advance(Duration.ofMinutes(1));
        ActionResult r = started.get(20, TimeUnit.SECONDS);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.message()).isEqualTo("started");
        assertThat(r.after().state()).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void aStartThatCannotSpawnAnswersSpawnFailed() throws Exception {
        runner.failing.add("broken");
        start(service("broken"));
        EngineEventsTest.awaitSnapshot(engine, "broken", s -> s.state() == ServiceState.FAILED);

        ActionResult r = engine.start("broken", ACTION).get(20, TimeUnit.SECONDS);

        assertThat(r.error()).as(r.message()).isEqualTo(ErrorCode.SPAWN_FAILED);
        assertThat(r.after().state()).isEqualTo(ServiceState.FAILED);
    }

    @Test
    void updateRestartsAServiceWhoseCommandChangedWithItsNewSpec() throws Exception {
        start(service("web"), service("worker"));
        int old = EngineEventsTest.awaitSnapshot(engine, "web", s -> s.state() == ServiceState.RUNNING).pid();
        EngineEventsTest.awaitSnapshot(engine, "worker", s -> s.state() == ServiceState.RUNNING);
        ServiceSpec changed = service("web").with(b -> b.command = List.of("/bin/web", "--new"));
        file.set(config(changed, service("worker")));

        ConfigChange change = engine.update().get(20, TimeUnit.SECONDS);

        assertThat(change.changes()).hasSize(1);
        ServiceChange c = change.changes().get(0);
        assertThat(c.service()).isEqualTo("web");
        assertThat(c.action()).isEqualTo(ServiceChange.Action.RESTART);
        assertThat(c.result().ok()).as(c.result().message()).isTrue();
        assertThat(runner.signals).containsExactly("web TERM");
        assertThat(runner.spawns.stream().filter(s -> s.name().equals("web")).map(ServiceSpec::command))
                .as("web's spawns: the first start, then the restart with the new command")
                .containsExactly(List.of("/bin/web"), List.of("/bin/web", "--new"));
        assertThat(engine.service("web").orElseThrow().pid()).isNotEqualTo(old);
        assertThat(spawned()).as("worker is not restarted").containsOnlyOnce("worker");
    }

    @Test
    void updateOfAProbeOnlyDoesNotRestart() throws Exception {
        start(service("web"));
        int pid = EngineEventsTest.awaitSnapshot(engine, "web", s -> s.state() == ServiceState.RUNNING).pid();
        ProbeSpec probe = new ProbeSpec(new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", 1)),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 1, 1, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Origin.UNKNOWN);
        file.set(config(service("web").withHealth(Optional.of(probe))));

        ConfigChange change = engine.update().get(20, TimeUnit.SECONDS);

        assertThat(change.changes()).extracting(ServiceChange::service, ServiceChange::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web", ServiceChange.Action.WITHOUT_RESTART));
        settle();
        assertThat(runner.signals).isEmpty();
        assertThat(spawned()).containsExactly("web");
        assertThat(engine.service("web").orElseThrow().pid()).isEqualTo(pid);
        assertThat(state("web")).isEqualTo(ServiceState.RUNNING);
    }

    @Test
    void updateStopsARemovedServiceAndForgetsIt() throws Exception {
        start(service("web"), service("old"));
        EngineEventsTest.awaitSnapshot(engine, "old", s -> s.state() == ServiceState.RUNNING);
        file.set(config(service("web")));

        ConfigChange change = engine.update().get(20, TimeUnit.SECONDS);

        assertThat(change.removed()).containsExactly("old");
        await().atMost(EngineEventsTest.WAIT).until(() -> engine.service("old").isEmpty());
        assertThat(runner.signals).containsExactly("old TERM");
        assertThat(state("web")).isEqualTo(ServiceState.RUNNING);
    }
}
