package dev.svd.engine;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static dev.svd.engine.EngineEventsTest.awaitSnapshot;
import static dev.svd.engine.EngineEventsTest.engine;
import static dev.svd.engine.EngineEventsTest.service;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Engine#awaitReady}: ready when every named service is, DOWN at once when one of them fails or is
 * stopped, TIMEOUT after its timeout, and all the while the engine goes on answering.
 */
class AwaitReadyTest {
    /** Longer than any test: an answer before it is an answer, not a timeout. */
    private static final Duration LONG = Duration.ofHours(1);

    /** Returns once the engine has handled everything offered before: a request behind them has its answer. */
    private static void engineAnswers(Engine engine) throws Exception {
        ActionResult r = engine.signal("web", Signal.HUP).get(20, TimeUnit.SECONDS);
        assertThat(r.ok()).as(r.message()).isTrue();
    }

    private static ReadyOutcome outcome(CompletableFuture<ReadyOutcome> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void completesOnceEveryNamedServiceIsReadyWaitingThroughARestart() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.ignoringStop.add("api");
        try (Engine engine = engine(runner, service("web"), service("api"))) {
            engine.start();
            awaitSnapshot(engine, "web", s -> s.state() == ServiceState.RUNNING);
            int before = awaitSnapshot(engine, "api", s -> s.state() == ServiceState.RUNNING).pid();

            CompletableFuture<ActionResult> restart = engine.restart("api", LONG);
            CompletableFuture<ReadyOutcome> ready = engine.awaitReady(List.of("web", "api"), LONG);
            engineAnswers(engine);
            assertThat(engine.service("api").orElseThrow().state()).isEqualTo(ServiceState.STOPPING);
            assertThat(ready).as("api is stopping to restart").isNotDone();

            runner.end(before, ExitStatus.killed(15, Instant.now()));
            ReadyOutcome outcome = outcome(ready);
            assertThat(outcome.kind()).as(outcome.message()).isEqualTo(ReadyOutcome.Kind.READY);
            ServiceSnapshot api = engine.service("api").orElseThrow();
            assertThat(api.state()).as("published before the wait completed").isEqualTo(ServiceState.RUNNING);
            assertThat(api.pid()).isNotEqualTo(before);
            assertThat(restart.get(20, TimeUnit.SECONDS).ok()).isTrue();
        }
    }

    @Test
    void failsAtOnceWhenANamedServiceFailsInstead() throws Exception {
        FakeRunner runner = new FakeRunner();
        try (Engine engine = engine(runner, service("web"), service("slow").withStartSeconds(LONG))) {
            engine.start();
            int slow = awaitSnapshot(engine, "slow", s -> s.pid() != 0).pid();
            CompletableFuture<ReadyOutcome> ready = engine.awaitReady(List.of("web", "slow"), LONG);
            engineAnswers(engine);
            assertThat(ready).as("slow is starting").isNotDone();

            runner.failing.add("slow"); // its crash restarts it at once, and that spawn fails
            runner.end(slow, ExitStatus.exited(1, Instant.now()));
            ReadyOutcome outcome = outcome(ready);

            assertThat(outcome.kind()).as(outcome.message()).isEqualTo(ReadyOutcome.Kind.DOWN);
            assertThat(outcome.service()).isEqualTo("slow");
            assertThat(outcome.message()).isEqualTo("slow will not become ready: it is failed (cannot start: "
                    + "/nonexistent: No such file or directory)");
        }
    }

    @Test
    void failsAtOnceWhenANamedServiceIsAlreadyFailed() throws Exception {
        FakeRunner runner = new FakeRunner();
        runner.failing.add("broken");
        try (Engine engine = engine(runner, service("web"), service("broken"))) {
            engine.start();
            awaitSnapshot(engine, "broken", s -> s.state() == ServiceState.FAILED);

            ReadyOutcome outcome = outcome(engine.awaitReady(List.of("web", "broken"), LONG));

            assertThat(outcome.kind()).as(outcome.message()).isEqualTo(ReadyOutcome.Kind.DOWN);
            assertThat(outcome.service()).isEqualTo("broken");
        }
    }

    @Test
    void failsAtOnceWhenTheOperatorStopsANamedServiceWhileTheEngineGoesOnAnswering() throws Exception {
        FakeRunner runner = new FakeRunner();
        try (Engine engine = engine(runner, service("web"), service("slow").withStartSeconds(LONG))) {
            engine.start();
            awaitSnapshot(engine, "slow", s -> s.pid() != 0);
            CompletableFuture<ReadyOutcome> ready = engine.awaitReady(List.of("slow"), LONG);

            assertThat(engine.stop("web", LONG).get(20, TimeUnit.SECONDS).ok()).as("the engine is not blocked").isTrue();
            assertThat(engine.start("web", LONG).get(20, TimeUnit.SECONDS).ok()).isTrue();
            assertThat(ready).isNotDone();

            assertThat(engine.stop("slow", LONG).get(20, TimeUnit.SECONDS).ok()).isTrue();
            ReadyOutcome outcome = outcome(ready);
            assertThat(outcome.kind()).as(outcome.message()).isEqualTo(ReadyOutcome.Kind.DOWN);
            assertThat(outcome.service()).isEqualTo("slow");
            assertThat(outcome.message()).startsWith("slow will not become ready: it is stopped (");
        }
    }

    @Test
    void timesOutNamingTheServiceThatWasNotReadyAndWhereItWas() throws Exception {
        FakeRunner runner = new FakeRunner();
        try (Engine engine = engine(runner, service("web"), service("slow").withStartSeconds(LONG))) {
            engine.start();
            int slow = awaitSnapshot(engine, "slow", s -> s.pid() != 0).pid();

            ReadyOutcome outcome = outcome(engine.awaitReady(List.of("web", "slow"), Duration.ofMillis(300)));

            assertThat(outcome.kind()).as(outcome.message()).isEqualTo(ReadyOutcome.Kind.TIMEOUT);
            assertThat(outcome.service()).isEqualTo("slow");
            assertThat(outcome.message()).isEqualTo("not ready after 300ms: slow (starting: pid " + slow
                    + ", waiting 60m)");
        }
    }

    @Test
    void anUnknownServiceIsNamedAtOnce() throws Exception {
        FakeRunner runner = new FakeRunner();
        try (Engine engine = engine(runner, service("web"))) {
            engine.start();

            ReadyOutcome outcome = outcome(engine.awaitReady(List.of("web", "wbe"), LONG));

            assertThat(outcome.kind()).isEqualTo(ReadyOutcome.Kind.NO_SUCH_SERVICE);
            assertThat(outcome.service()).isEqualTo("wbe");
            assertThat(outcome.message()).isEqualTo("no such service: wbe");
        }
    }
}
