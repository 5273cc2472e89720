package dev.svd.engine;

import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a wait for readiness judges each state of a named service: ready, on its way, or down. */
class ReadyWaitersTest {
    private static ServiceSnapshot snapshot(String name, ServiceState state, boolean ready) {
        int pid = state.hasProcess() ? 42 : 0;
        return new ServiceSnapshot(name, state, pid, pid == 0 ? null : Instant.EPOCH, 0, 0, List.of(), Optional.empty(),
                Health.UNKNOWN, state.label() + " because", 1, false, false, ready, "", Optional.empty(), Optional.empty());
    }

    /** The outcome for {@code api} in {@code state} next to a ready {@code web}; {@code down}: services svd wants down. */
    private static ReadyOutcome judge(ServiceState state, boolean ready, Set<String> down) {
        Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
        services.put("web", snapshot("web", ServiceState.RUNNING, true));
        services.put("api", snapshot("api", state, ready));
        return ReadyWaiters.judge(List.of("web", "api"), services, down::contains);
    }

    @Test
    void everyStateIsJudged() {
        Set<String> wanted = Set.of();
        Set<String> unwanted = Set.of("api");
        assertThat(judge(ServiceState.RUNNING, true, wanted).kind()).isEqualTo(ReadyOutcome.Kind.READY);
        assertThat(judge(ServiceState.RUNNING, false, wanted)).as("running, readiness probe pending").isNull();
        assertThat(judge(ServiceState.STARTING, true, wanted)).as("within start-seconds").isNull();
        assertThat(judge(ServiceState.BACKOFF, false, wanted)).as("restarts by itself").isNull();
        assertThat(judge(ServiceState.STOPPING, false, wanted)).as("a restart").isNull();
        assertThat(judge(ServiceState.STOPPING, false, unwanted)).as("a config change swaps it in again").isNull();
        assertThat(judge(ServiceState.STOPPED, false, wanted)).as("waits for its dependencies").isNull();
        assertThat(judge(ServiceState.STOPPED, false, unwanted).kind()).isEqualTo(ReadyOutcome.Kind.DOWN);
        assertThat(judge(ServiceState.FAILED, false, wanted).kind()).isEqualTo(ReadyOutcome.Kind.DOWN);
        assertThat(judge(ServiceState.EXITED, false, wanted).kind()).isEqualTo(ReadyOutcome.Kind.DOWN);
    }

    @Test
    void aDownServiceIsNamedWithItsStateAndReason() {
        ReadyOutcome o = judge(ServiceState.FAILED, false, Set.of());

        assertThat(o.service()).isEqualTo("api");
        assertThat(o.message()).isEqualTo("api will not become ready: it is failed (failed because)");
    }

    @Test
    void aTimeoutNamesEachServiceThatWasNotReady() {
        Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
        services.put("web", snapshot("web", ServiceState.RUNNING, true));
        services.put("api", snapshot("api", ServiceState.BACKOFF, false));
        services.put("db", snapshot("db", ServiceState.RUNNING, false));

        ReadyOutcome o = ReadyWaiters.timedOut(List.of("web", "api", "db"), Duration.ofSeconds(30), services);

        assertThat(o.kind()).isEqualTo(ReadyOutcome.Kind.TIMEOUT);
        assertThat(o.service()).isEqualTo("api");
        assertThat(o.message()).isEqualTo("not ready after 30s: api (backoff: backoff because); "
                + "db (running: running because; not ready: no readiness probe result yet)");
    }
}
