package dev.svd.stack;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, sockets held by svd, with the real nginx 1.22, gunicorn 20.1 and Django of the reference
 * deployment (conf/svd.conf: svd holds 127.0.0.1:8000 for gunicorn and nginx's two ports, docs/sockets.md):
 * a loop of requests through nginx, one at a time, gets no failure while {@code svctl restart gunicorn}
 * and then {@code svctl restart nginx} run (before issue 14: 15 and 1 failed), because connections
 * made while a program restarts wait in svd's socket instead of being refused. gunicorn's master
 * got LISTEN_PID equal to its own pid; nginx's master serves on the sockets it inherited.
 */
class HeldSocketsStackIT {
    private static final int MAX_REQUESTS = 5000;

    @TempDir
    Path dir;

    @Test
    void requestsThroughNginxAllSucceedWhileGunicornAndThenNginxAreRestarted() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle gunicorn = stack.awaitMaster("/venv/bin/gunicorn");
            ProcessHandle nginx = stack.awaitMaster("nginx: master");
            List<String> gunicornEnv = environ(gunicorn.pid());
            assertThat(gunicornEnv).as("gunicorn's master's environment")
                    .contains("LISTEN_PID=" + gunicorn.pid(), "LISTEN_FDS=1", "LISTEN_FDNAMES=gunicorn");
            // nginx overwrites its environ with its process title; that it serves at all shows it took the
            // inherited sockets: its own bind() of a port svd holds would fail ("Address already in use").
            assertThat(stack.output()).doesNotContain("Address already in use");
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(nginx.pid()), "fd", "4")).toString())
                    .startsWith("socket:");
            assertThat(stack.listeners(stack.httpsPort)).contains(nginx.pid());

            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger answered = new AtomicInteger();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Thread client = new Thread(() -> {
                for (int i = 0; i < MAX_REQUESTS && !done.get(); i++) {
                    // a connection nginx's old worker closed before it read the request is tried again, as
                    // browsers do (ReferenceStack#httpsAsABrowser); a refused connection or a 502 is a failure
                    ReferenceStack.Response r = stack.httpsAsABrowser("/");
                    if (r.status() == 200) {
                        answered.incrementAndGet();
                    } else {
                        failures.add(r.status() + " " + r.body());
                    }
                }
            }, "stack-client");
            client.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 3);

                ReferenceStack.Svctl restartGunicorn = stack.svctl("restart", "gunicorn");
                assertThat(restartGunicorn.exit()).as(restartGunicorn.out() + restartGunicorn.err()).isZero();
                int afterGunicorn = answered.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= afterGunicorn + 3);

                ReferenceStack.Svctl restartNginx = stack.svctl("restart", "nginx");
                assertThat(restartNginx.exit()).as(restartNginx.out() + restartNginx.err()).isZero();
                int afterNginx = answered.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= afterNginx + 3);
            } finally {
                done.set(true);
                client.join(60_000);
            }

            assertThat(failures).as("requests that failed while gunicorn and nginx restarted\n" + stack.output()).isEmpty();
            assertThat(ReferenceStack.running(gunicorn)).as("gunicorn was restarted").isFalse();
            assertThat(ReferenceStack.running(nginx)).as("nginx was restarted").isFalse();
            ProcessHandle newGunicorn = stack.awaitMaster("/venv/bin/gunicorn");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(environ(newGunicorn.pid()))
                    .contains("LISTEN_PID=" + newGunicorn.pid()));
            ReferenceStack.Svctl status = stack.svctl("status", "gunicorn");
            assertThat(status.out()).contains("gunicorn: socket 127.0.0.1:" + stack.appPort + " (name gunicorn, fd 3, held by svd)");
        }
    }

    /** The environment a process started with (/proc/PID/environ), one variable per element. */
    private static List<String> environ(long pid) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }
}
