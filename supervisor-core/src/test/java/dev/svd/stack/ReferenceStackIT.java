package dev.svd.stack;

import dev.svd.protocol.JsonObject;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference deployment of issue 5 under svd with the real nginx, gunicorn and Django: start
 * order, what each port serves (on svd's placeholder certificate while no ACME server answers), and a
 * stop that leaves nothing behind.
 */
class ReferenceStackIT {
    @TempDir
    Path dir;

    @Test
    void gunicornStartsBeforeNginxAndDjangoAnswersThroughTlsWithTheDomainAsSni() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();

            List<String> log = stack.stdout().lines().toList();
            int gunicornRunning = indexOf(log, "gunicorn: starting -> running");
            int nginxStarting = indexOf(log, "nginx: stopped -> starting");
            assertThat(gunicornRunning).as(stack.output()).isNotNegative();
            assertThat(nginxStarting).as("nginx starts only after gunicorn runs\n" + stack.output())
                    .isGreaterThan(gunicornRunning);

            ReferenceStack.Response page = stack.https("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("To the ballpark")
                    .contains("baseball ok host=totheballpark.test secure=True") // Host and X-Forwarded-Proto passed on
                    .contains("forwarded-for=127.0.0.1"); // X-Forwarded-For: the client's address
            assertThat(stack.https("www." + ReferenceStack.DOMAIN, "/").status()).isEqualTo(200);
            ReferenceStack.Response health = stack.https("/healthz");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            ReferenceStack.Response css = stack.https("/static/site.css");
            assertThat(css.status()).isEqualTo(200);
            assertThat(css.body()).contains("font-family");
            assertThat(stack.https("/media/README.txt").status()).isEqualTo(200);
            assertThat(stack.https("/.well-known/acme-challenge/health.txt").body()).isEqualTo("ok\n");
            // Field notes, problem 4: a Host outside ALLOWED_HOSTS reaches Django and is refused there.
            assertThat(stack.https("evil.example", "/").status()).isEqualTo(400);

            // Field notes, problem 1: no certificate yet, and the ACME server unreachable (nothing listens on its
            // port): nginx started all the same, on svd's placeholder; svd says it waits for the certificate.
            X509Certificate served = stack.servedCertificate();
            assertThat(served.getSubjectX500Principal().getName()).contains("O=svd placeholder")
                    .contains("CN=" + ReferenceStack.DOMAIN);
            JsonObject site = stack.socket().certificate(ReferenceStack.CERTIFICATE);
            assertThat(site.boolOr("placeholder", false)).as(site.toString()).isTrue();
            assertThat(site.string("message")).as(site.toString()).startsWith("waiting for certificate: ")
                    .contains("unreachable").contains("next attempt at");
        }
    }

    @Test
    void plainHttpPortServesOnlyTheAcmeChallengeAndRedirectsTheRestToHttps() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();

            ReferenceStack.Response challenge = stack.http("/.well-known/acme-challenge/health.txt");
            assertThat(challenge.status()).isEqualTo(200);
            assertThat(challenge.body()).isEqualTo("ok\n");
            // No port in the target: in production the router maps 443 to the https port.
            ReferenceStack.Response page = stack.http("/some/page?x=1");
            assertThat(page.status()).isEqualTo(301);
            assertThat(page.location()).isEqualTo("https://totheballpark.test/some/page?x=1");
            assertThat(stack.http("/").status()).isEqualTo(301);
            assertThat(stack.http("/healthz").location()).isEqualTo("https://totheballpark.test/healthz");
        }
    }

    @Test
    void sigtermToSvdStopsNginxThenGunicornAndLeavesNoProcessAndNoPortBehind() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            // nginx: master and 2 workers; gunicorn: master and 3 workers
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> stack.recorded().stream().filter(ReferenceStack::running).count() >= 7);
            List<ProcessHandle> processes = stack.recorded();

            stack.svd().destroy(); // SIGTERM
            assertThat(stack.svd().waitFor(20, TimeUnit.SECONDS)).as(stack.output()).isTrue();
            assertThat(stack.svd().exitValue()).as(stack.output()).isEqualTo(0);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(processes)
                    .as("processes that were below svd").noneMatch(ReferenceStack::running));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(List.of(stack.httpPort,
                    stack.httpsPort, stack.appPort)).as("svd closed the sockets it held").allMatch(ReferenceStack::bindable));
            List<String> log = stack.stdout().lines().toList();
            assertThat(indexOf(log, "nginx: running -> stopping")).as(stack.output())
                    .isNotNegative().isLessThan(indexOf(log, "gunicorn: running -> stopping"));
        }
    }

    @Test
    void svctlStopOfTheStackLeavesNoProcessBehindWhileSvdKeepsHoldingItsSocketsAndRunsOn() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> stack.recorded().stream().filter(ReferenceStack::running).count() >= 7);
            List<ProcessHandle> processes = stack.recorded();

            ReferenceStack.Svctl stop = stack.svctl("stop", "nginx", "gunicorn");
            assertThat(stop.exit()).as(stop.err()).isZero();
            assertThat(stop.out()).contains("nginx: stopped").contains("gunicorn: stopped");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(processes)
                    .as("processes that were below svd").noneMatch(ReferenceStack::running));
            // conf/svd.conf: svd holds the three listening sockets (docs/sockets.md) for its whole life, so
            // a connection made while the stack is stopped waits for its next start instead of being refused.
            assertThat(List.of(stack.httpPort, stack.httpsPort, stack.appPort)).noneMatch(ReferenceStack::bindable);
            assertThat(stack.svd().isAlive()).as("svd itself runs on").isTrue();
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
