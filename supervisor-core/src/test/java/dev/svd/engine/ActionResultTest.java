package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.lifecycle.FailureKind;
import dev.svd.protocol.ErrorCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one mapping from the lifecycle's failure kinds to the protocol's error codes (docs/protocol.md). */
class ActionResultTest {
    @Test
    void onlyASpawnThatFailedForGoodIsSpawnFailedEveryOtherFailureIsFailed() {
        for (FailureKind k : FailureKind.values()) {
            assertThat(ActionResult.code(Optional.of(k))).as(k.name())
                    .isEqualTo(k == FailureKind.SPAWN_FAILED ? ErrorCode.SPAWN_FAILED : ErrorCode.FAILED);
        }
        assertThat(ActionResult.code(Optional.empty())).isEqualTo(ErrorCode.FAILED);
    }
}
