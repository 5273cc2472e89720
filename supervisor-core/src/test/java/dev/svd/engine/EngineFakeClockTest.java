package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.DaemonSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The engine's timers run on the clock it is given: with a fake one, an hour of start-seconds
 * passes when the test says so, not when the wall clock does.
 */
class EngineFakeClockTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final FakeRunner runner = new FakeRunner();

    private Engine engine(ServiceSpec spec) {
        SupervisorSpec config = new SupervisorSpec(Path.of("svd.conf"), DaemonSpec.DEFAULT, Map.of(spec.name(), spec),
                List.of(spec.name()));
        Engine engine = new Engine(config, () -> config, runner, OutputRegistry.NONE, new Lifecycle(() -> 0.5),
                Clock.systemUTC(), null, nanos::get);
        runner.engine = engine;
        return engine;
    }

    /**
     * Moves the fake clock on and wakes the engine with a notice; returns once a second notice has
     * been handled too, so the loop pass that handled the first (and ran the timers now due) is over.
     */
    private void advance(Engine engine, Duration by) {
        nanos.addAndGet(by.toNanos());
        String mark = "clock moved on " + by + " to " + nanos.get();
        engine.announce("test", mark);
        engine.announce("test", mark + ", settled");
        await().atMost(EngineEventsTest.WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> engine.recentEvents(5).stream().anyMatch(e -> e.reason().equals(mark + ", settled")));
    }

    @Test
    void startSecondsEndWhenTheFakeClockSaysSo() throws Exception {
        Engine engine = engine(EngineEventsTest.service("slow").withStartSeconds(Duration.ofHours(1)));
        try (engine) {
            engine.start();
            int pid = EngineEventsTest.awaitSnapshot(engine, "slow", s -> s.pid() != 0).pid();
            advance(engine, Duration.ofMinutes(59));
            assertThat(engine.service("slow").orElseThrow().state()).as("after 59 of 60 minutes of start-seconds")
                    .isEqualTo(ServiceState.STARTING);

            advance(engine, Duration.ofMinutes(1));
            ServiceSnapshot up = EngineEventsTest.awaitSnapshot(engine, "slow", s -> s.state() == ServiceState.RUNNING);
            assertThat(up.pid()).as("the same process, now running").isEqualTo(pid);

            engine.shutdown();
            engine.stopped().get(20, TimeUnit.SECONDS);
        }
    }
}
