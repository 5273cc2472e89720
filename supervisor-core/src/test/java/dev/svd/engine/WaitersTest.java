package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a timed-out start, stop or restart says about where its service was. */
class WaitersTest {
    private static ServiceSnapshot snapshot(ServiceState state, int pid, String reason, boolean ready, String probe) {
        return new ServiceSnapshot("web", state, pid, pid == 0 ? null : Instant.EPOCH, 0, 0, List.of(), Optional.empty(),
                Health.UNKNOWN, reason, 1, false, false, ready, probe, Optional.empty(), Optional.empty());
    }

    @Test
    void aStartTimedOutOnAProcessThatIsNotReadySaysSoWithTheLastProbe() {
        ServiceSnapshot s = snapshot(ServiceState.RUNNING, 42, "pid 42", false,
                "connection refused: nothing listens on 127.0.0.1:8000 at 12:00:01");

        assertThat(Waiters.stuckIn(s)).isEqualTo("running: pid 42; not ready: last probe: connection refused: nothing"
                + " listens on 127.0.0.1:8000 at 12:00:01");
    }

    @Test
    void aProcessNotYetProbedSaysThatNoProbeResultCameYet() {
        ServiceSnapshot s = snapshot(ServiceState.STARTING, 42, "pid 42, waiting 1s", false, "");

        assertThat(Waiters.stuckIn(s)).isEqualTo("starting: pid 42, waiting 1s; not ready: no readiness probe result yet");
    }

    @Test
    void aReadyOrStoppingOrProcesslessServiceIsDescribedByStateAndReasonAlone() {
        assertThat(Waiters.stuckIn(snapshot(ServiceState.STARTING, 42, "pid 42, waiting 1s", true, "")))
                .isEqualTo("starting: pid 42, waiting 1s");
        assertThat(Waiters.stuckIn(snapshot(ServiceState.STOPPING, 42, "sent SIGTERM to process group 42", false, "")))
                .isEqualTo("stopping: sent SIGTERM to process group 42");
        assertThat(Waiters.stuckIn(snapshot(ServiceState.BACKOFF, 0, "exited 1; restarting in 2s", false, "")))
                .isEqualTo("backoff: exited 1; restarting in 2s");
        assertThat(Waiters.stuckIn(null)).isEqualTo("removed");
    }
}
