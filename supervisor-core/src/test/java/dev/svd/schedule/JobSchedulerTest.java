package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job thread as its callers see it: registration, refusals, published snapshots. Java tasks
 * that end at once; Quartz is never started (no {@code start()}), so nothing fires by itself.
 */
class JobSchedulerTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    @TempDir
    Path dir;
    private JobScheduler scheduler;

    @BeforeEach
    void create() {
        scheduler = new JobScheduler(dir.resolve("log"), dir.resolve("state"),
                Clock.fixed(Instant.parse("2026-11-25T14:03:05Z"), ZoneOffset.UTC), () -> 0.0, Duration.ZERO);
    }

    @AfterEach
    void close() {
        scheduler.close();
    }

    private void scheduleDone(String name) {
        scheduler.schedule(name, "0 3 * * *", Duration.ZERO, Duration.ofMinutes(1), false,
                run -> CompletableFuture.completedFuture(JobOutcome.success("done")));
    }

    @Test
    void aScheduledJobIsPublishedBeforeScheduleReturns() {
        scheduleDone("renew");
        JobSnapshot s = scheduler.jobs().get(0);
        assertThat(s.name()).isEqualTo("renew");
        assertThat(s.description()).isEqualTo("at 03:00");
        assertThat(s.nextRun().orElseThrow().toInstant()).isEqualTo(Instant.parse("2026-11-26T03:00:00Z"));
        assertThat(s.lastRun()).isEmpty();
    }

    @Test
    void aRunsAnswerComesAfterTheSnapshotThatShowsIt() throws Exception {
        scheduleDone("renew");
        // The answer's continuation runs as soon as it is completed: it must already read the finished run.
        CompletableFuture<Optional<LastRun>> seen = scheduler.runNow("renew")
                .thenApply(r -> scheduler.jobs().get(0).lastRun());
        assertThat(seen.get(BOUND.toSeconds(), TimeUnit.SECONDS)).map(LastRun::result).contains("done");
    }

    @Test
    void aNameScheduledTwiceIsRefused() {
        scheduleDone("renew");
        assertThatThrownBy(() -> scheduleDone("renew")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job renew is already scheduled");
        assertThat(scheduler.jobs()).hasSize(1);
    }

    @Test
    void anInvalidQuartzExpressionIsRefusedWithTheJobsName() {
        assertThatThrownBy(() -> scheduler.scheduleQuartz("bad", "* * *", "x", "x", Duration.ZERO, Duration.ofSeconds(1),
                false, run -> CompletableFuture.completedFuture(JobOutcome.success("done"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("job bad: invalid Quartz cron expression * * *");
    }

    @Test
    void anUnknownJobIsRefused() {
        assertThatThrownBy(() -> scheduler.runNow("nope").get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JobRefusedException.class)
                .hasMessage("no job named nope");
    }

    @Test
    void afterStopNoRunStartsAndNoNextTimeIsShown() throws Exception {
        scheduleDone("renew");
        scheduler.stop(Duration.ZERO);
        assertThatThrownBy(() -> scheduler.runNow("renew").get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().hasMessage("job renew not started: svd is stopping");
        assertThat(scheduler.jobs().get(0).nextRun()).isEmpty();
        assertThatThrownBy(() -> scheduleDone("other")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job other: svd is stopping");
    }

    @Test
    void snapshotsAreImmutable() {
        scheduleDone("renew");
        List<JobSnapshot> jobs = scheduler.jobs();
        assertThatThrownBy(() -> jobs.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
