package dev.svd.engine;

import dev.svd.config.BackoffSpec;
import dev.svd.config.DaemonSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publish, then announce (issue 13): a subscriber that reads the published snapshot from its event callback
 * sees the state the event announces, for every kind of state change and for notices.
 */
class EngineEventsTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** An engine over {@link FakeRunner}; {@code specs} in start order. */
    static Engine engine(FakeRunner runner, ServiceSpec... specs) {
        Map<String, ServiceSpec> map = new LinkedHashMap<>();
        for (ServiceSpec s : specs) {
            map.put(s.name(), s);
        }
        SupervisorSpec config = new SupervisorSpec(Path.of("svd.conf"), DaemonSpec.DEFAULT, map, List.copyOf(map.keySet()));
        Engine engine = new Engine(config, () -> config, runner, OutputRegistry.NONE, new Lifecycle(() -> 0.5),
                Clock.systemUTC());
        runner.engine = engine;
        return engine;
    }

    static ServiceSpec service(String name) {
        return ServiceSpec.of(name, List.of("/bin/" + name)).withStartSeconds(Duration.ZERO);
    }

    static ServiceSnapshot awaitSnapshot(Engine engine, String name, Predicate<ServiceSnapshot> until) {
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> engine.service(name).filter(until).isPresent());
        return engine.service(name).orElseThrow();
    }

    @Test
    void aSubscriberReadingTheSnapshotInItsCallbackSeesTheStateEachEventAnnounces() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.failing.add("broken");
        Engine engine = engine(runner,
                service("web"),
                service("once").withRestart(RestartPolicy.NEVER),
                service("broken"),
                service("crashy").withBackoff(new BackoffSpec(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofHours(1))),
                service("slow").withStartSeconds(Duration.ofHours(1)),
                service("adopted"));
        List<ServiceEvent> seen = new CopyOnWriteArrayList<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        engine.subscribe(e -> {
            seen.add(e);
            List<ServiceEvent> recent = engine.recentEvents(1);
            if (recent.isEmpty() || recent.get(0).seq() != e.seq()) {
                wrong.add("event " + e + " but recentEvents ended with " + recent);
            }
            if (e.to() == null) {
                return; // a notice: no service state to show
            }
            Optional<ServiceSnapshot> s = engine.service(e.service());
            if (s.isEmpty() || s.get().state() != e.to() || !s.get().reason().equals(e.reason())) {
                wrong.add(e.service() + ": event " + e.from().label() + " -> " + e.to().label() + " (" + e.reason()
                        + ") but the snapshot said " + s.map(x -> x.state().label() + " (" + x.reason() + ")").orElse("nothing"));
            }
        });
        try (engine) {
            engine.adopt("adopted", 3999, 1, Instant.now());
            engine.start();
            int once = awaitSnapshot(engine, "once", s -> s.state() == ServiceState.RUNNING).pid();
            runner.end(once, ExitStatus.exited(0, Instant.now()));
            awaitSnapshot(engine, "once", s -> s.state() == ServiceState.EXITED);
            awaitSnapshot(engine, "broken", s -> s.state() == ServiceState.FAILED);

            // a crash during start-seconds spawns again: starting -> starting, a new generation
            int slow = awaitSnapshot(engine, "slow", s -> s.pid() != 0).pid();
            runner.end(slow, ExitStatus.exited(1, Instant.now()));
            awaitSnapshot(engine, "slow", s -> s.pid() != 0 && s.pid() != slow);

            // the first crash restarts at once, the second after a backoff
            for (int crash = 0; crash < 2; crash++) {
                int pid = awaitSnapshot(engine, "crashy", s -> s.state() == ServiceState.RUNNING).pid();
                runner.end(pid, ExitStatus.exited(1, Instant.now()));
                awaitSnapshot(engine, "crashy", s -> s.pid() != pid);
            }
            awaitSnapshot(engine, "crashy", s -> s.state() == ServiceState.RUNNING && s.restarts() == 2);

            assertThat(engine.restart("crashy", WAIT).get(20, TimeUnit.SECONDS).ok()).isTrue();
            assertThat(engine.stop("web", WAIT).get(20, TimeUnit.SECONDS).ok()).isTrue();
            assertThat(engine.start("broken", WAIT).get(20, TimeUnit.SECONDS).ok()).isFalse();
            engine.announce("certificate site", "9 days left (warn-days 14): is renewal working?");
            engine.shutdown();
            engine.stopped().get(20, TimeUnit.SECONDS);
        }

        assertThat(wrong).as("events whose snapshot did not show them yet").isEmpty();
        assertThat(seen).extracting(ServiceEvent::to).as("every state an event can announce, and a notice")
                .contains(ServiceState.STARTING, ServiceState.RUNNING, ServiceState.BACKOFF, ServiceState.STOPPING,
                        ServiceState.STOPPED, ServiceState.EXITED, ServiceState.FAILED, null);
        assertThat(seen).as("a crash during starting").anyMatch(e -> e.from() == ServiceState.STARTING
                && e.to() == ServiceState.STARTING);
        assertThat(seen).as("an adoption").anyMatch(e -> e.service().equals("adopted") && e.to() == ServiceState.RUNNING);
    }
}
