package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.BackoffSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.StartLimitSpec;
import dev.svd.lifecycle.Effect.ArmTimer;
import dev.svd.lifecycle.Effect.Spawn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A process that ends on its own: restart policies, backoff, its reset, and the start limit. */
class LifecycleCrashTest {
    private static final StartLimitSpec NO_LIMIT = new StartLimitSpec(10_000, Duration.ofSeconds(60));

    @Test
    void crashInRunningRestartsAtOnce() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        int oldPid = sc.snapshot.pid();

        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
        assertThat(t.next().restarts()).isEqualTo(1);
        assertThat(t.next().crashes()).isEqualTo(1);
        assertThat(t.next().pid()).isZero();
        assertThat(t.next().lastExit()).map(ExitStatus::toString).contains("exited 1");
        assertThat(t.next().reason()).contains("exited 1", "restarting");
        assertThat(sc.spawned()).isNotEqualTo(oldPid);
    }

    @Test
    void secondQuickCrashGoesToBackoff() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.crashAndRespawn();

        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.BACKOFF);
        assertThat(t.next().crashes()).isEqualTo(2);
        assertThat(t.next().restarts()).isEqualTo(2);
        assertThat(t.next().pid()).isZero();
        assertThat(t.next().reason()).contains("exited 1", "50ms");
        assertThat(t.effects()).containsExactly(
                new ArmTimer(TimerKind.BACKOFF, Duration.ofMillis(50), t.next().generation()));
    }

    @Test
    void backoffTimerSpawnsAgain() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.crashAndRespawn();
        sc.exit(1);

        Transition t = sc.fire(TimerKind.BACKOFF);

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
        assertThat(t.next().recentStarts()).hasSize(3).last().isEqualTo(sc.now);
    }

    /**
     * Equal jitter: the n-th delay is base/2 + jitter * base/2 with base = initial * 2^(n-1) capped at
     * max, so it lies in [base/2, base).
     */
    @ParameterizedTest(name = "jitter {0}")
    @ValueSource(doubles = {0.0, 0.5, 0.999})
    void quickCrashesBackOffExponentiallyUpToMax(double jitter) {
        Scenario sc = new Scenario(Scenario.spec().withStartLimit(NO_LIMIT), jitter).running();
        sc.crashAndRespawn(); // the first restart is immediate
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            Transition t = sc.exit(1);
            assertThat(t.next().state()).isEqualTo(ServiceState.BACKOFF);
            delays.add(sc.armed(TimerKind.BACKOFF).delay().toMillis());
            sc.fire(TimerKind.BACKOFF);
            sc.spawned();
        }

        long base = 100;
        for (long delay : delays) {
            long half = base / 2;
            assertThat(delay).as("delay for base %dms", base).isEqualTo(base - half + (long) (jitter * half));
            assertThat(delay).isBetween(half, base - 1);
            base = Math.min(base * 2, 30_000);
        }
        assertThat(delays).isSorted();
        assertThat(delays.subList(0, 4)).isEqualTo(jitter == 0.0 ? List.of(50L, 100L, 200L, 400L)
                : jitter == 0.999 ? List.of(99L, 199L, 399L, 799L) : List.of(75L, 150L, 300L, 600L));
        assertThat(delays.get(delays.size() - 1)).isLessThan(30_000).isGreaterThanOrEqualTo(15_000);
    }

    @Test
    void backoffOfManyCrashesStaysAtMaxWithoutOverflow() {
        Lifecycle lifecycle = new Lifecycle(() -> 0.999);

        Duration delay = lifecycle.backoffDelay(Scenario.spec(), Integer.MAX_VALUE);

        assertThat(delay).isEqualTo(Duration.ofMillis(29_985));
    }

    @Test
    void crashCounterResetsAfterTheProcessStayedUpStableAfter() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(NO_LIMIT)).running();
        sc.crashAndRespawn();
        sc.exit(1);
        sc.fire(TimerKind.BACKOFF);
        sc.spawned();
        assertThat(sc.snapshot.crashes()).isEqualTo(2);

        sc.after(Duration.ofSeconds(10)); // stable-after, counted from the spawn
        Transition t = sc.exit(1);

        assertThat(t.next().crashes()).isEqualTo(1);
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
    }

    @Test
    void crashJustBeforeStableAfterStillBacksOff() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(NO_LIMIT)).running();
        sc.crashAndRespawn();

        sc.after(Duration.ofMillis(9_999));
        Transition t = sc.exit(1);

        assertThat(t.next().crashes()).isEqualTo(2);
        assertThat(t.next().state()).isEqualTo(ServiceState.BACKOFF);
    }

    @Test
    void stableAfterComesFromTheSpec() {
        BackoffSpec quick = new BackoffSpec(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(2));
        Scenario sc = Scenario.of(Scenario.spec().withBackoff(quick)).running();
        sc.crashAndRespawn();

        sc.after(Duration.ofSeconds(2));

        assertThat(sc.exit(1).next().state()).isEqualTo(ServiceState.STARTING);
    }

    @Test
    void exitDuringStartingGoesToBackoffAfterTheFirstRestart() {
        Scenario sc = Scenario.of(Scenario.spec());
        sc.start();
        sc.spawned();
        sc.crashAndRespawn();

        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.BACKOFF);
    }

    @Test
    void startLimitFailsTheServiceOnTheStartAfterBurst() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(new StartLimitSpec(5, Duration.ofSeconds(30))))
                .running();
        sc.crashAndRespawn();
        for (int i = 0; i < 3; i++) {
            sc.exit(1);
            sc.fire(TimerKind.BACKOFF);
            sc.spawned();
        }
        assertThat(sc.snapshot.recentStarts()).hasSize(5);

        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.FAILED);
        assertThat(t.effects()).isEmpty();
        assertThat(t.next().pid()).isZero();
        assertThat(t.next().reason()).contains("exited 1", "5 starts within 30s", "'svctl start web'");
    }

    @Test
    void startLimitMessageNamesTheDefaultInterval() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(new StartLimitSpec(1, Duration.ofSeconds(60))))
                .running();

        assertThat(sc.exit(1).next().reason()).contains("1 starts within 1m", "svctl start web");
    }

    @Test
    void startsOlderThanTheIntervalDoNotCount() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ZERO)
                .withStartLimit(new StartLimitSpec(2, Duration.ofSeconds(60)))).running();
        sc.after(Duration.ofSeconds(30));
        sc.crashAndRespawn(); // second start, at T0 + 30s

        sc.after(Duration.ofSeconds(30)); // the first start is now exactly one interval old
        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.next().recentStarts()).containsExactly(Scenario.T0.plusSeconds(30), sc.now);
    }

    @Test
    void startsWithinTheIntervalCount() {
        Scenario sc = Scenario.of(Scenario.spec().withStartSeconds(Duration.ZERO)
                .withStartLimit(new StartLimitSpec(2, Duration.ofSeconds(60)))).running();
        sc.after(Duration.ofSeconds(30));
        sc.crashAndRespawn();

        sc.after(Duration.ofMillis(29_999));
        Transition t = sc.exit(1);

        assertThat(t.next().state()).isEqualTo(ServiceState.FAILED);
        assertThat(t.next().reason()).contains("2 starts within 1m");
    }

    @Test
    void operatorStartFromFailedClearsTheLimit() {
        Scenario sc = Scenario.of(Scenario.spec().withStartLimit(new StartLimitSpec(1, Duration.ofSeconds(60))))
                .running();
        sc.exit(1);
        assertThat(sc.snapshot.state()).isEqualTo(ServiceState.FAILED);

        Transition t = sc.operatorStart();

        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.effects()).containsExactly(new Spawn());
        assertThat(t.next().recentStarts()).containsExactly(sc.now);
        assertThat(t.next().crashes()).isZero();
        assertThat(t.next().reason()).contains("operator");
    }

    @Test
    void operatorStartInBackoffSpawnsAtOnceAndTheBackoffTimerIsThenIgnored() {
        Scenario sc = Scenario.of(Scenario.spec()).running();
        sc.crashAndRespawn();
        sc.exit(1);

        Transition t = sc.operatorStart();
        assertThat(t.next().state()).isEqualTo(ServiceState.STARTING);
        assertThat(t.next().crashes()).isZero();
        sc.spawned();
        ServiceSnapshot before = sc.snapshot;

        assertThat(sc.fire(TimerKind.BACKOFF).next()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}, {1} -> {2}")
    @CsvSource({
        "ALWAYS,     exited 0,          starting",
        "ALWAYS,     exited 1,          starting",
        "ALWAYS,     killed by SIGKILL, starting",
        "ON_FAILURE, exited 0,          exited",
        "ON_FAILURE, exited 1,          starting",
        "ON_FAILURE, killed by SIGKILL, starting",
        "ON_FAILURE, killed by SIGTERM, starting",
        "NEVER,      exited 0,          exited",
        "NEVER,      exited 1,          exited",
        "NEVER,      killed by SIGKILL, exited",
    })
    void restartPolicyDecidesOnTheExitStatus(RestartPolicy policy, String status, String expected) {
        Scenario sc = Scenario.of(Scenario.spec().withRestart(policy)).running();

        Transition t = switch (status) {
            case "exited 0" -> sc.exit(0);
            case "exited 1" -> sc.exit(1);
            case "killed by SIGKILL" -> sc.killedBy(9);
            case "killed by SIGTERM" -> sc.killedBy(15);
            default -> throw new IllegalArgumentException(status);
        };

        assertThat(t.next().state().label()).isEqualTo(expected);
        assertThat(t.next().lastExit()).map(ExitStatus::toString).contains(status);
        if (expected.equals("exited")) {
            assertThat(t.effects()).isEmpty();
            assertThat(t.next().reason()).contains(status, "restart = " + policy.configName());
            assertThat(t.next().restarts()).isZero();
        } else {
            assertThat(t.effects()).containsExactly(new Spawn());
            assertThat(t.next().restarts()).isEqualTo(1);
        }
    }
}
