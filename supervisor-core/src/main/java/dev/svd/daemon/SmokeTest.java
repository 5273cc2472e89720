package dev.svd.daemon;

import dev.svd.engine.Engine;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code svd --smoke-test}: does the whole config come up? Waits until every service runs and is
 * ready (or one has given up), then asks for the ordered stop. Used to check an image at build
 * time, and by the launcher to train svd's class-data archive on a real start and stop.
 */
final class SmokeTest {
    static final Duration BOUND = Duration.ofSeconds(60);

    private SmokeTest() {}

    /** True when every service came up within {@code bound}; the engine is shutting down either way. */
    static boolean awaitAllUp(Engine engine, Duration bound) {
        // The main thread has nothing else to do: it looks at the published snapshots every 20 ms.
        long deadline = System.nanoTime() + bound.toNanos();
        while (!settled(engine) && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean up = allUp(engine);
        engine.shutdown();
        return up;
    }

    /** Every service is up, or has given up. */
    private static boolean settled(Engine engine) {
        for (ServiceSnapshot s : engine.services()) {
            boolean up = s.state() == ServiceState.RUNNING && s.ready();
            boolean gaveUp = s.state() == ServiceState.FAILED || s.state() == ServiceState.EXITED;
            if (!up && !gaveUp) {
                return false;
            }
        }
        return true;
    }

    private static boolean allUp(Engine engine) {
        return engine.services().stream().allMatch(s -> s.state() == ServiceState.RUNNING && s.ready());
    }

}
