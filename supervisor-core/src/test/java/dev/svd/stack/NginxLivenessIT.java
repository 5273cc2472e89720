package dev.svd.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the reference configuration's nginx liveness probe went through nginx to Django, so a
 * failed gunicorn got nginx restarted, which cannot help and puts the ACME listener at risk. Now
 * nginx's probes check nginx alone (conf/svd.conf): with gunicorn failed, nginx keeps running and
 * keeps serving the challenge path.
 */
class NginxLivenessIT {
    @TempDir
    Path dir;

    @Test
    void aFailedGunicornDoesNotGetNginxRestarted() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            long nginx = status(stack, "nginx").longOr("pid", 0);
            assertThat(nginx).isPositive();

            // gunicorn crashes again and again: its start limit (5 starts within 60s) makes it failed
            Set<Long> killed = new LinkedHashSet<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                JsonObject g = status(stack, "gunicorn");
                long pid = g.longOr("pid", 0);
                if (pid > 0 && killed.add(pid)) {
                    new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
                }
                return "failed".equals(g.string("state"));
            });

            // nginx's liveness probe runs every 10 s; a probe that failed with gunicorn's 502 would have
            // restarted nginx after three failures. Wait for four results after gunicorn failed.
            Set<String> results = new LinkedHashSet<>();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
                String probe = status(stack, "nginx").string("probe");
                if (probe != null) {
                    results.add(probe);
                }
                return results.size() >= 5; // the one seen first may be from before gunicorn failed
            });

            JsonObject after = status(stack, "nginx");
            assertThat(after.string("state")).isEqualTo("running");
            assertThat(after.longOr("pid", 0)).as("the same nginx").isEqualTo(nginx);
            assertThat(after.longOr("restarts", -1)).isZero();
            assertThat(after.string("health")).isEqualTo("healthy");
            assertThat(List.copyOf(results)).allSatisfy(r -> assertThat(r).startsWith("200 in "));
            assertThat(stack.lines("nginx: running ->")).as("nginx is not restarted\n" + stack.output()).isEmpty();
            assertThat(stack.http("/.well-known/acme-challenge/health.txt").status()).as("the ACME listener")
                    .isEqualTo(200);
            assertThat(stack.https("/").status()).as("nginx answers, gunicorn does not").isEqualTo(502);
        }
    }

    private static JsonObject status(ReferenceStack stack, String name) throws Exception {
        JsonObject args = JsonObject.builder().put("names", JsonArray.ofStrings(List.of(name))).build();
        return (JsonObject) stack.socket().call("status", args).array("services").items().get(0);
    }
}
