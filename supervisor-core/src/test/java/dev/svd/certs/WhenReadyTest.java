package dev.svd.certs;

import dev.svd.config.Signal;
import dev.svd.engine.ActionResult;
import dev.svd.engine.ConfigChange;
import dev.svd.engine.ReadyOutcome;
import dev.svd.engine.ServiceEvent;
import dev.svd.engine.SupervisorControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.logs.OutputKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The first issuance's wait for its reload services: asks the engine, and asks again only when it may help. */
class WhenReadyTest {
    /** The engine as WhenReady sees it: each awaitReady gets the next prepared answer, or one the test completes later. */
    private static final class Engine implements SupervisorControl {
        final ArrayDeque<CompletableFuture<ReadyOutcome>> answers = new ArrayDeque<>();
        final List<CompletableFuture<ReadyOutcome>> asked = new ArrayList<>();
        final List<Consumer<ServiceEvent>> subscribers = new ArrayList<>();
        long seq;

        void event(String service, ServiceState to) {
            ServiceEvent e = new ServiceEvent(++seq, Instant.EPOCH, service, ServiceState.FAILED, to, "");
            subscribers.forEach(s -> s.accept(e));
        }

        @Override
        public CompletableFuture<ReadyOutcome> awaitReady(Collection<String> names, Duration timeout) {
            assertThat(names).containsExactly("nginx", "web");
            CompletableFuture<ReadyOutcome> f = answers.isEmpty() ? new CompletableFuture<>() : answers.poll();
            asked.add(f);
            return f;
        }

        @Override
        public AutoCloseable subscribe(Consumer<ServiceEvent> sink) {
            subscribers.add(sink);
            return () -> subscribers.remove(sink);
        }

        @Override
        public List<ServiceSnapshot> services() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ServiceSnapshot> service(String name) {
            throw new UnsupportedOperationException("WhenReady asks awaitReady, it does not read snapshots");
        }

        @Override
        public CompletableFuture<ActionResult> start(String name, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ActionResult> stop(String name, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ActionResult> restart(String name, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ActionResult> reload(String name, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ActionResult> signal(String name, Signal signal) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> tail(String name, int lines, OutputKind stream) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable followOutput(String name, OutputKind stream, Consumer<String> sink) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ServiceEvent> recentEvents(int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConfigChange reread() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ConfigChange> update() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void shutdown() {
            throw new UnsupportedOperationException();
        }
    }

    /** svd-certs, run by hand: tasks in the order they were handed over. */
    private static final class CertsThread implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    private final Engine engine = new Engine();
    private final CertsThread thread = new CertsThread();
    private final AtomicInteger actions = new AtomicInteger();

    private void start() {
        new WhenReady(engine, List.of("nginx", "web"), Duration.ofHours(1), actions::incrementAndGet, thread).start();
        thread.runAll();
    }

    private static CompletableFuture<ReadyOutcome> answer(ReadyOutcome.Kind kind) {
        return CompletableFuture.completedFuture(new ReadyOutcome(kind, kind == ReadyOutcome.Kind.READY ? null : "nginx",
                "nginx: " + kind));
    }

    @Test
    void readyServicesRunTheActionOnceAndLaterEventsAskNothing() {
        engine.answers.add(answer(ReadyOutcome.Kind.READY));
        start();
        engine.event("nginx", ServiceState.STOPPING);
        thread.runAll();

        assertThat(actions).hasValue(1);
        assertThat(engine.asked).hasSize(1);
    }

    @Test
    void aDownServiceIsAskedAboutAgainAtTheNextEventOfANamedService() {
        engine.answers.add(answer(ReadyOutcome.Kind.DOWN));
        engine.answers.add(answer(ReadyOutcome.Kind.READY));
        start();
        assertThat(actions).hasValue(0);

        engine.event("db", ServiceState.STARTING);
        thread.runAll();
        assertThat(engine.asked).as("an event of another service").hasSize(1);

        engine.event("nginx", ServiceState.STARTING); // the operator's svctl start nginx
        thread.runAll();
        assertThat(engine.asked).hasSize(2);
        assertThat(actions).hasValue(1);
    }

    @Test
    void eventsWhileAWaitIsUnansweredAskNothingMore() {
        start();
        engine.event("nginx", ServiceState.STARTING);
        engine.event("web", ServiceState.RUNNING);
        thread.runAll();
        assertThat(engine.asked).hasSize(1);

        engine.asked.get(0).complete(new ReadyOutcome(ReadyOutcome.Kind.READY, null, "nginx, web: ready"));
        thread.runAll();
        assertThat(actions).hasValue(1);
    }

    @Test
    void anEventBetweenADownAnswerAndItsHandlingStillAsksAgain() {
        start();
        engine.asked.get(0).complete(new ReadyOutcome(ReadyOutcome.Kind.DOWN, "nginx", "nginx will not become ready"));
        engine.event("nginx", ServiceState.STARTING); // the engine sends it after the answer: queued behind it
        engine.answers.add(answer(ReadyOutcome.Kind.READY));
        thread.runAll();

        assertThat(engine.asked).hasSize(2);
        assertThat(actions).hasValue(1);
    }

    @Test
    void aTimedOutWaitIsAskedAgainAtOnce() {
        engine.answers.add(answer(ReadyOutcome.Kind.TIMEOUT));
        engine.answers.add(answer(ReadyOutcome.Kind.READY));
        start();

        assertThat(engine.asked).hasSize(2);
        assertThat(actions).hasValue(1);
    }
}
