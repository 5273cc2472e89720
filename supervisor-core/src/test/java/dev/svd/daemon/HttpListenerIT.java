package dev.svd.daemon;

import dev.svd.control.SvctlProcess;
import dev.svd.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * svd.http against a real svd (docs/metrics.md): /healthz, /readyz following readiness, /metrics parsed by
 * Prometheus's own promtool (Debian package prometheus, packaging/run-tests), and no listener unless configured.
 */
class HttpListenerIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLater = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeSockets() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path config(String daemon, String services) throws Exception {
        Path conf = dir.resolve("svd.conf");
        Files.writeString(conf, "svd { socket = \"" + dir + "/svd.sock\", log-dir = \"" + dir + "/log\", state-dir = \""
                + dir + "/state\"" + (daemon.isEmpty() ? "" : ", " + daemon) + " }\nservices {\n" + services + "}\n");
        return conf;
    }

    /** A service that records its pid under pids/ and stays up. */
    private String service(String name, String extra) {
        return "  " + name + " { command = [\"/bin/sh\", \"-c\", \"echo $$ >> " + dir + "/pids/" + name
                + ".pid; exec sleep 1000\"], start-seconds = 0s" + extra + " }\n";
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(BOUND).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutSvdHttpNothingIsBound() throws Exception {
        Path conf = config("", service("web", ""));
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            await().atMost(BOUND).until(() -> svd.recordedPids().size() == 1);
            svd.awaitLog("supervising 1 services");
            assertThat(listeningTcpSockets(svd.pid())).as("svd's listening TCP sockets").isEmpty();
            assertThat(svd.stdout()).doesNotContain("HTTP listener");
        }
    }

    @Test
    void readyzWaitsForReadinessAndMetricsCountRestarts() throws Exception {
        int port = Ports.freePort();
        Path flag = dir.resolve("web-ready");
        Path starts = dir.resolve("flaky.starts");
        // flaky exits 3 on its first two starts, then stays up: two automatic restarts.
        String flaky = "  flaky { command = [\"/bin/sh\", \"-c\", \"echo x >> " + starts + "; [ $(wc -l < " + starts
                + ") -ge 3 ] || exit 3; echo $$ >> " + dir + "/pids/flaky.pid; exec sleep 1000\"], start-seconds = 0s,"
                + " backoff { initial = 10ms, max = 20ms } }\n";
        Path conf = config("http { listen = \"127.0.0.1:" + port + "\" }", service("web",
                ", ready { exec { command = [\"/bin/test\", \"-e\", \"" + flag + "\"] }, interval = 100ms,"
                        + " start-timeout = 1h }") + flaky);
        Files.writeString(conf, "jobs { nightly { schedule = \"0 3 * * *\", command = [\"/bin/true\"] } }\n",
                java.nio.file.StandardOpenOption.APPEND);
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString())) {
            svd.awaitLog("HTTP listener on 127.0.0.1:" + port);
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(port, "/readyz");
            assertThat(notReady.statusCode()).as(notReady.body()).isEqualTo(503);
            assertThat(notReady.body()).contains("web: ");

            Files.writeString(flag, "");
            await().atMost(BOUND).untilAsserted(() -> assertThat(get(port, "/readyz").statusCode()).isEqualTo(200));
            assertThat(get(port, "/readyz").body()).isEqualTo("ready\n");

            HttpResponse<String> metrics = get(port, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(promtool(metrics.body())).as("promtool check metrics").isEqualTo("");
            assertThat(value(metrics.body(), "svd_service_restarts_total{service=\"flaky\"}")).isEqualTo(2);
            assertThat(value(metrics.body(), "svd_service_restarts_total{service=\"web\"}")).isEqualTo(0);
            assertThat(value(metrics.body(), "svd_service_up{service=\"web\"}")).isEqualTo(1);
            assertThat(value(metrics.body(), "svd_service_ready{service=\"web\"}")).isEqualTo(1);
            assertThat(value(metrics.body(), "svd_service_state{service=\"flaky\",state=\"running\"}")).isEqualTo(1);
            assertThat(value(metrics.body(), "svd_service_last_exit_code{service=\"flaky\"}")).isEqualTo(3);
            assertThat(value(metrics.body(), "svd_service_resident_memory_bytes{service=\"web\"}")).isGreaterThan(0);
            assertThat(value(metrics.body(), "svd_job_running{job=\"nightly\"}")).isEqualTo(0);
            assertThat(value(metrics.body(), "svd_job_next_run_time_seconds{job=\"nightly\"}"))
                    .isGreaterThan(System.currentTimeMillis() / 1000.0);

            HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).header("Accept", "application/openmetrics-text; version=1.0.0").timeout(BOUND).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(open.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
            assertThat(open.body()).endsWith("# EOF\n");
            assertThat(get(port, "/nothing").statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(BOUND).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(405);
            // The check of the test above sees a listener when there is one.
            assertThat(listeningTcpSockets(svd.pid())).hasSize(1);
        }
    }

    /**
     * Issue 15's metrics of a known scenario, against a real svd and read back through promtool and svctl: a tcp
     * readiness probe refused until the test listens (failures by reason, one histogram count per probe run),
     * an exec probe that fails exactly twice, a job run once, control requests by command and outcome, svd's
     * own JVM metrics; /readyz ignores a service the operator stopped; /status is svctl status --json.
     */
    @Test
    void probesJobsRequestsReadyzAndStatus() throws Exception {
        int port = Ports.freePort();
        int backend = Ports.freePort();
        Path runs = dir.resolve("check.runs");
        String checked = "  checked { command = [\"/bin/sleep\", \"1000\"], start-seconds = 0s, ready { exec { command = [\"/bin/sh\","
                + " \"-c\", \"echo x >> " + runs + "; [ $(wc -l < " + runs + ") -ge 3 ]\"] }, interval = 1s } }\n";
        String tcp = "  tcp { command = [\"/bin/sleep\", \"1000\"], start-seconds = 0s, ready { tcp { address = \"127.0.0.1:"
                + backend + "\" }, interval = 100ms, start-timeout = 1h } }\n";
        String idle = "  idle { command = [\"/bin/sleep\", \"1000\"], start-seconds = 0s }\n";
        Path conf = config("http { listen = \"127.0.0.1:" + port + "\" }", checked + tcp + idle);
        Files.writeString(conf, "jobs { nightly { schedule = \"0 3 * * *\", command = [\"/bin/true\"] } }\n",
                java.nio.file.StandardOpenOption.APPEND);
        double before = System.currentTimeMillis() / 1000.0;
        try (SvdProcess svd = SvdProcess.start(dir, "--config", conf.toString());
             SvctlProcess svctl = new SvctlProcess(dir.resolve("svd.sock"))) {
            svd.awaitLog("HTTP listener on 127.0.0.1:" + port);
            String refused = "svd_probe_failures_total{probe=\"ready\",reason=\"refused\",service=\"tcp\"}";
            await().atMost(BOUND).until(() -> optional(get(port, "/metrics").body(), refused) >= 2);
            assertThat(get(port, "/readyz").body()).contains("tcp: running, waiting for its readiness probe");
            // Open until the end: a probe that may still run between the pass and its cancelling is no failure.
            java.net.ServerSocket listening = new java.net.ServerSocket(backend, 50, java.net.InetAddress.getByName("127.0.0.1"));
            closeLater.add(listening);
            await().atMost(BOUND).untilAsserted(() -> assertThat(get(port, "/readyz").statusCode()).isEqualTo(200));
            assertThat(svctl.run("run", "nightly").exit()).isEqualTo(0);
            SvctlProcess.Result stopped = svctl.run("stop", "idle");
            assertThat(stopped.exit()).as(stopped.err()).isEqualTo(0);
            assertThat(svctl.run("stop", "nosuch").exit()).isNotEqualTo(0);

            HttpResponse<String> ready = get(port, "/readyz");
            assertThat(ready.statusCode()).as("an operator-stopped service does not make svd unready: " + ready.body())
                    .isEqualTo(200);
            String m = get(port, "/metrics").body();
            assertThat(promtool(m)).as("promtool check metrics").isEqualTo("");
            assertThat(value(m, "svd_service_state{service=\"idle\",state=\"stopped\"}")).isEqualTo(1);
            // Readiness passed: the refused probes are over (one more probe may run before the pass cancels it).
            double tcpFailures = value(m, refused);
            assertThat(tcpFailures).isGreaterThanOrEqualTo(2);
            assertThat(value(m, "svd_probe_duration_seconds_count{probe=\"ready\",service=\"tcp\"}"))
                    .as("one observation per probe run: the refused ones and at least the pass")
                    .isGreaterThanOrEqualTo(tcpFailures + 1);
            // The exec probe fails on its first two runs, then passes; each run adds a line to its file. Its 1s
            // interval leaves the engine a second to cancel it after the pass: a run cancelled in flight has no
            // result and is not observed.
            assertThat(value(m, "svd_probe_failures_total{probe=\"ready\",reason=\"exit_status\",service=\"checked\"}"))
                    .isEqualTo(2);
            await().atMost(BOUND).untilAsserted(() -> {
                String now = get(port, "/metrics").body();
                double run = Files.readAllLines(runs).size();
                assertThat(run).isGreaterThanOrEqualTo(3);
                assertThat(value(now, "svd_probe_duration_seconds_count{probe=\"ready\",service=\"checked\"}"))
                        .as("the histogram counts every probe run").isEqualTo(run);
                assertThat(value(now, "svd_probe_duration_seconds_bucket{probe=\"ready\",service=\"checked\",le=\"+Inf\"}"))
                        .isEqualTo(run);
            });
            assertThat(m).doesNotContain("svd_probe_duration_seconds_count{probe=\"ready\",service=\"idle\"}");
            assertThat(value(m, "svd_job_last_run_success{job=\"nightly\"}")).isEqualTo(1);
            assertThat(value(m, "svd_job_last_success_time_seconds{job=\"nightly\"}"))
                    .isGreaterThanOrEqualTo(Math.floor(before)).isEqualTo(value(m, "svd_job_last_run_end_time_seconds{job=\"nightly\"}"));
            assertThat(value(m, "svd_control_requests_total{command=\"run\",outcome=\"ok\"}")).isEqualTo(1);
            assertThat(value(m, "svd_control_requests_total{command=\"stop\",outcome=\"ok\"}")).isEqualTo(1);
            assertThat(value(m, "svd_control_requests_total{command=\"stop\",outcome=\"failed\"}")).isEqualTo(1);
            assertThat(value(m, "process_resident_memory_bytes")).isGreaterThan(0);
            assertThat(value(m, "jvm_threads_current")).isGreaterThan(0);

            // The same document but for uptime_s, which moves on while svctl's JVM starts (seconds on a loaded CPU).
            await().atMost(BOUND).untilAsserted(() -> {
                String cli = svctl.run("status", "--json").out();
                HttpResponse<String> status = get(port, "/status");
                assertThat(status.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(status.body()).contains("\"name\":\"idle\",\"state\":\"stopped\"");
                assertThat(withoutUptime(status.body())).isEqualTo(withoutUptime(cli));
            });
        }
    }

    private static String withoutUptime(String statusJson) {
        return statusJson.replaceAll("\"uptime_s\":[0-9]+", "\"uptime_s\":N");
    }

    /** The value of {@code series}, or -1 while it is absent. */
    private static double optional(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /**
     * The inodes of the listening TCP sockets (state 0A in /proc/PID/net/tcp and tcp6, proc(5)) that
     * {@code pid} holds a descriptor of ({@code socket:[INODE]} in /proc/PID/fd).
     */
    private static Set<String> listeningTcpSockets(long pid) throws Exception {
        Set<String> held = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        held.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.nio.file.NoSuchFileException closed) {
                    // closed since the listing
                }
            }
        }
        Set<String> listening = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/net/" + table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && held.contains(f[9])) {
                    listening.add(f[1] + " inode " + f[9]);
                }
            }
        }
        return listening;
    }

    /** promtool's complaints about {@code text} (empty when it parses and lints clean). */
    private String promtool(String text) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return rc == 0 ? out : "exit " + rc + ": " + out;
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as(series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
