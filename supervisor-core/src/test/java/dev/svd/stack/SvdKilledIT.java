package dev.svd.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * svd SIGKILLed while nginx and gunicorn run, then started again (issue 7): the new svd stops what
 * the old one left before it starts anything, so there is exactly one nginx and one gunicorn, and
 * nginx binds its ports at the first try.
 */
class SvdKilledIT {
    @TempDir
    Path dir;

    @Test
    void restartedSvdRunsExactlyOneNginxAndOneGunicorn() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle oldGunicorn = stack.awaitMaster("/venv/bin/gunicorn");
            ProcessHandle oldNginx = stack.awaitMaster("nginx: master");
            List<ProcessHandle> oldProcesses = stack.recorded();

            stack.svd().destroyForcibly(); // SIGKILL: no ordered stop
            await().atMost(Duration.ofSeconds(10)).until(() -> !stack.svd().isAlive());
            assertThat(ReferenceStack.running(oldNginx)).as("left behind by the killed svd").isTrue();

            stack.startAndAwaitServing();
            assertThat(oldProcesses).as("everything the old svd ran is gone").noneMatch(ReferenceStack::running);
            long nginxMasters = stack.recorded().stream().filter(ReferenceStack::running)
                    .filter(p -> ReferenceStack.commandLine(p.pid()).contains("nginx: master")).count();
            long gunicornMasters = stack.svd().children().filter(ReferenceStack::running)
                    .filter(p -> ReferenceStack.commandLine(p.pid()).contains("/venv/bin/gunicorn")).count();
            assertThat(nginxMasters).isEqualTo(1);
            assertThat(gunicornMasters).isEqualTo(1);
            assertThat(stack.stdout()).contains("was left by an earlier svd")
                    .doesNotContain("Address already in use");
            assertThat(stack.lines("nginx: starting -> running")).as(stack.output()).hasSize(1);
            assertThat(stack.lines("nginx: running -> ")).as("nginx did not fail and restart").isEmpty();
            assertThat(ReferenceStack.running(oldGunicorn)).isFalse();
        }
    }
}
