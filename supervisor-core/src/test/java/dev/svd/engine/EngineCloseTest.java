package dev.svd.engine;

import dev.svd.config.DaemonSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.Lifecycle;
import dev.svd.os.CommandRunner;
import dev.svd.os.OutputListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** close() must not return while a spawn is in flight, or its process escapes every cleanup. */
class EngineCloseTest {

    /** A runner whose spawn blocks until released, and which records when it returned. */
    private static final class BlockingRunner implements ProcessRunner {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean spawnReturned = new AtomicBoolean();

        @Override
        public int spawn(ServiceSpec spec, OutputListener output) {
            entered.countDown();
            boolean interrupted = false;
            while (release.getCount() > 0) { // a real fork/exec finishes whatever the interrupt
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            spawnReturned.set(true);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return 4242;
        }

        @Override
        public void signalGroup(int pid, Signal signal) {
        }

        @Override
        public void signalProcess(int pid, Signal signal) {
        }

        @Override
        public CompletableFuture<CommandRunner.Result> check(ServiceSpec spec, List<String> command, Duration timeout) {
            return new CompletableFuture<>();
        }

        @Override
        public List<Integer> children(int pid) {
            return List.of();
        }
    }

    @Test
    void closeWaitsForASpawnInFlight() throws Exception {
        ServiceSpec svc = ServiceSpec.of("svc", List.of("/bin/true"));
        SupervisorSpec config = new SupervisorSpec(Path.of("svd.conf"), DaemonSpec.DEFAULT, Map.of("svc", svc), List.of("svc"));
        BlockingRunner runner = new BlockingRunner();
        Engine engine = new Engine(config, () -> config, runner, OutputRegistry.NONE, new Lifecycle(() -> 0.5),
                Clock.systemUTC());
        engine.start();
        assertThat(runner.entered.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicBoolean spawnReturnedWhenClosed = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            engine.close();
            spawnReturnedWhenClosed.set(runner.spawnReturned.get());
        });
        closer.start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !closer.isAlive() || closer.getState() == Thread.State.TIMED_WAITING);
        runner.release.countDown();
        closer.join(20_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(spawnReturnedWhenClosed).as("the spawn had returned when close() returned").isTrue();
    }
}
