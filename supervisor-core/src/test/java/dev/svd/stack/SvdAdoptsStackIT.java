package dev.svd.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference stack with {@code on-leftover = adopt} (issue 7, "or, where configured, adopts
 * it"): svd SIGKILLed while nginx and gunicorn serve, then started again. The new svd takes over
 * the same nginx and gunicorn masters instead of stopping them, so the site answers every request
 * throughout, nothing runs twice, gunicorn's access log reaches svd again, and a checked reload of
 * the adopted nginx works.
 */
class SvdAdoptsStackIT {
    private static final int MAX_REQUESTS = 3000;

    @TempDir
    Path dir;

    @Test
    void restartedSvdAdoptsNginxAndGunicornAndTheSiteNeverStopsAnswering() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.onLeftover("adopt");
            stack.startAndAwaitServing();
            ProcessHandle gunicorn = stack.awaitMaster("/venv/bin/gunicorn");
            ProcessHandle nginx = stack.awaitMaster("nginx: master");
            Path ledger = dir.resolve("processes");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(ledger)
                    && Files.readString(ledger).contains("\t" + nginx.pid() + "\t"));

            // Requests one after another (bounded) from before svd's death until after the adoption.
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger answered = new AtomicInteger();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Thread client = new Thread(() -> {
                for (int i = 0; i < MAX_REQUESTS && !done.get(); i++) {
                    ReferenceStack.Response r = stack.https("/");
                    if (r.status() == 200) {
                        answered.incrementAndGet();
                    } else {
                        failures.add(r.status() + " " + r.body());
                    }
                }
            }, "stack-client");
            client.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= 3);
                stack.svd().destroyForcibly(); // SIGKILL: no ordered stop
                await().atMost(Duration.ofSeconds(10)).until(() -> !stack.svd().isAlive());
                int beforeRestart = answered.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= beforeRestart + 3);

                stack.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> !stack.lines("nginx: stopped -> running (pid "
                        + nginx.pid() + ", adopted from an earlier svd)").isEmpty());
                await().atMost(Duration.ofSeconds(120)).until(() -> stack.socket().hasResult(ReferenceStack.CERTIFICATE));
                int afterRestart = answered.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= afterRestart + 3);
            } finally {
                done.set(true);
                client.join(60_000);
            }
            assertThat(failures).as("requests that failed while svd died and came back").isEmpty();

            assertThat(stack.stdout()).contains("gunicorn: adopting process group " + gunicorn.pid())
                    .contains("nginx: adopting process group " + nginx.pid())
                    .doesNotContain("was left by an earlier svd; stopping it")
                    .doesNotContain("Address already in use");
            assertThat(ReferenceStack.running(nginx)).isTrue();
            assertThat(ReferenceStack.running(gunicorn)).isTrue();
            assertThat(stack.lines("gunicorn: stopped -> running (pid " + gunicorn.pid() + ", adopted")).hasSize(1);
            assertThat(stack.lines(" -> starting")).as("nothing was started again").isEmpty();

            // gunicorn's access log (its stdout) reaches svd again through the named pipe.
            assertThat(stack.https("/?after-adoption").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> !stack.lines("GET /?after-adoption").isEmpty());

            // The adopted nginx is reloaded like one svd started: config test, then HUP to the same master.
            ReferenceStack.Svctl reload = stack.svctl("reload", "nginx");
            assertThat(reload.exit()).as(reload.out() + reload.err() + stack.output()).isZero();
            assertThat(ReferenceStack.running(nginx)).isTrue();

            stack.svd().destroy(); // SIGTERM: the ordered stop reaches the adopted processes too
            assertThat(stack.svd().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(stack.svd().exitValue()).as(stack.output()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> !ReferenceStack.running(nginx) && !ReferenceStack.running(gunicorn));
            assertThat(ReferenceStack.bindable(stack.httpsPort)).isTrue();
        }
    }
}
