package dev.svd.engine;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.config.RestartPolicy;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.StartLimitSpec;
import dev.svd.config.StopSpec;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceState;
import dev.svd.os.Kernel;
import dev.svd.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4, "502/503/504 from a proxy": Debian's nginx, supervised by svd, proxies to a python3
 * server that svd also supervises ({@code depends-on}); nginx's health probe goes through nginx.
 * When the upstream is not ready, or not running, nginx's probe result names it in the operator's
 * words (HealthText): "502 in 3ms: returns 502: upstream app is not ready". nginx runs on a
 * loopback port picked by the test, with every path (pid, temp, config) in the test's directory
 * and its error log on stderr; {@link RunningEngine#close} SIGKILLs its process group, also when a
 * test fails.
 */
class ProxyDiagnosisIT {
    private static final Path SERVER = Path.of("src/test/resources/health/probe_server.py").toAbsolutePath();
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final String AT = " at \\d{2}:\\d{2}:\\d{2}";

    @TempDir
    Path dir;


    private static ProbeSpec http(int port, Duration interval, int failureThreshold) {
        return new ProbeSpec(new ProbeCheck.Http(URI.create("http://127.0.0.1:" + port + "/healthz"), Optional.empty(),
                List.of(new ProbeCheck.StatusRange(200, 399)), Optional.empty(), ProbeCheck.Tls.DEFAULT, Optional.empty()),
                interval, Duration.ofSeconds(2), Duration.ZERO, failureThreshold, 1, Duration.ofSeconds(60),
                Duration.ZERO, Origin.UNKNOWN);
    }

    /**
     * nginx's liveness probe: a start period, so a slow machine's nginx that has not bound within
     * 2 x 200 ms is not restarted in a loop (issue 11); once it passed, every failure counts.
     */
    private static ProbeSpec liveness(int port, int failureThreshold) {
        ProbeSpec p = http(port, Duration.ofMillis(200), failureThreshold);
        return new ProbeSpec(p.check(), p.interval(), p.timeout(), p.initialDelay(), p.failureThreshold(),
                p.successThreshold(), p.startTimeout(), Duration.ofMinutes(2), p.origin());
    }

    /**
     * The upstream: probe_server.py (GET /healthz answers 200), started once {@code gate} exists, so
     * the test can have a process that runs but does not listen yet: not ready, and nginx gets
     * "connection refused" from it, a 502.
     */
    private ServiceSpec app(int port, Path gate) {
        String server = "exec python3 '" + SERVER + "' --port " + port;
        String command = gate == null ? server
                : "while [ ! -e '" + gate + "' ]; do sleep 0.05; done; " + server;
        return ServiceSpec.of("app", List.of("/bin/sh", "-c", command))
                .withStartSeconds(Duration.ZERO)
                .withStop(new StopSpec(Signal.TERM, Duration.ofSeconds(2)))
                .withReady(Optional.of(http(port, Duration.ofMillis(100), 1)));
    }

    /** nginx in the foreground, proxying 127.0.0.1:port to the app, with a health probe through it. */
    private ServiceSpec nginx(int port, int appPort, int failureThreshold) throws IOException {
        assertThat(NGINX).as("Debian's nginx (apt-get install nginx)").isExecutable();
        Path prefix = dir.resolve("nginx");
        Files.createDirectories(prefix.resolve("tmp"));
        Files.createDirectories(prefix.resolve("logs"));
        // nginx's workers run as nobody when the master is root: JUnit's 0700 directory would be closed to them
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = prefix.resolve("tmp");
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, String.join("\n",
                "worker_processes 1;",
                "pid " + prefix.resolve("nginx.pid") + ";",
                "error_log stderr notice;",
                "events { worker_connections 64; }",
                "http {",
                "    access_log off;",
                "    client_body_temp_path " + tmp.resolve("body") + ";",
                "    proxy_temp_path " + tmp.resolve("proxy") + ";",
                "    fastcgi_temp_path " + tmp.resolve("fastcgi") + ";",
                "    uwsgi_temp_path " + tmp.resolve("uwsgi") + ";",
                "    scgi_temp_path " + tmp.resolve("scgi") + ";",
                "    server {",
                "        listen 127.0.0.1:" + port + ";",
                "        location / { proxy_pass http://127.0.0.1:" + appPort + "; }",
                "    }",
                "}", ""));
        return ServiceSpec.of("nginx", List.of(NGINX.toString(), "-p", prefix + "/", "-c", conf.toString(),
                        "-e", "stderr", "-g", "daemon off;"))
                .withStartSeconds(Duration.ZERO)
                .withDependsOn(List.of("app"))
                .withStop(new StopSpec(Signal.QUIT, Duration.ofSeconds(4)))
                .withStartLimit(new StartLimitSpec(100, Duration.ofSeconds(60)))
                .withHealth(Optional.of(liveness(port, failureThreshold)));
    }

    @Test
    void nginxBadGatewayNamesTheUpstreamThatIsNotReady() throws Exception {
        int appPort = Ports.freePort();
        int nginxPort = Ports.freePort();
        Path gate = dir.resolve("listen");
        Files.writeString(gate, "");
        try (RunningEngine r = new RunningEngine(dir, app(appPort, gate), nginx(nginxPort, appPort, 2)).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("nginx").health() == Health.HEALTHY);
            assertThat(r.snapshot("nginx").probe()).startsWith("200 in ");

            // the app's process dies; svd starts it again, and the new one runs but does not listen yet
            Files.delete(gate);
            int first = r.snapshot("app").pid();
            assertThat(Kernel.signalGroup(first, Signal.KILL)).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("app").pid() != first
                    && r.snapshot("app").state() == ServiceState.RUNNING);

            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("nginx").probe()
                    .matches("502 in (\\d+ms|\\d+(\\.\\d)?s): returns 502: upstream app is not ready" + AT));
            assertThat(r.snapshot("app").ready()).isFalse();
            // the events (svctl events): nginx's health turns, and the liveness restart quotes the result
            String diagnosis = "502 in (\\d+ms|\\d+(\\.\\d)?s): returns 502: upstream app is not ready";
            await().atMost(Duration.ofSeconds(30)).until(() -> reasons(r).stream().anyMatch(x -> x
                    .matches("health check failed: " + diagnosis + "; sent SIGQUIT to process group \\d+")));
            assertThat(reasons(r)).anyMatch(x -> x.matches("health (healthy|unknown) -> unhealthy: " + diagnosis));

            // the app listens: it becomes ready, and nginx answers again
            Files.writeString(gate, "");
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("app").ready());
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("nginx").health() == Health.HEALTHY
                    && r.snapshot("nginx").probe().startsWith("200 in "));
        }
    }

    @Test
    void nginxBadGatewayNamesTheUpstreamThatIsNotRunning() throws Exception {
        int appPort = Ports.freePort();
        int nginxPort = Ports.freePort();
        ServiceSpec app = app(appPort, null).withRestart(RestartPolicy.NEVER);
        // a threshold nginx never reaches here: it keeps running and probing, so the last result shows
        try (RunningEngine r = new RunningEngine(dir, app, nginx(nginxPort, appPort, 1_000_000)).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("nginx").health() == Health.HEALTHY);

            assertThat(Kernel.signalGroup(r.snapshot("app").pid(), Signal.TERM)).isTrue();
            r.awaitState("app", ServiceState.EXITED);
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("nginx").probe()
                    .matches("502 in (\\d+ms|\\d+(\\.\\d)?s): returns 502: upstream app is not running \\(exited\\)" + AT));
            assertThat(r.snapshot("nginx").state()).isEqualTo(ServiceState.RUNNING);

            // the operator starts the app again: nginx's probe passes through it
            assertThat(r.engine.start("app", Duration.ofSeconds(30)).get().ok()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.snapshot("nginx").probe().startsWith("200 in "));
        }
    }

    private static List<String> reasons(RunningEngine r) {
        return r.engine.recentEvents(200).stream().map(ServiceEvent::reason).toList();
    }
}
