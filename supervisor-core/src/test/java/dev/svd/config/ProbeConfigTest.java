package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.ProbeCheck.HostPort;
import dev.svd.config.ProbeCheck.StatusRange;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ready and health blocks: every key, the defaults, and one message per kind of mistake. */
class ProbeConfigTest {
    private final Path dir;
    private final ConfigFiles files;

    ProbeConfigTest(@TempDir Path dir) {
        this.dir = dir;
        this.files = new ConfigFiles(dir);
    }

    private ServiceSpec web(String body) throws ConfigException {
        return files.load("services.web {\n  command = [nginx]\n" + body + "\n}\n").services().get("web");
    }

    private List<String> problems(String body) {
        return files.problems("services.web {\n  command = [nginx]\n" + body + "\n}\n");
    }

    @Test
    void readsEveryKeyOfAnHttpsReadyProbe() throws Exception {
        Path ca = files.write("ca.pem", "x");
        ServiceSpec web = web("""
                  ready {
                    http { url = "https://totheballpark.info:8443/healthz", host = "totheballpark.info",
                           expect = [200, "300-302", "4xx"], body-contains = "ok",
                           tls { verify = false, ca-file = "%s", sni = "www.totheballpark.info" },
                           connect-to = "127.0.0.1:8443" }
                    interval = 100ms, timeout = 1s, initial-delay = 2s, failure-threshold = 4,
                    success-threshold = 2, start-timeout = 30s
                  }""".formatted(ca));

        ProbeSpec ready = web.ready().orElseThrow();
        assertThat(ready.check()).isEqualTo(new ProbeCheck.Http(URI.create("https://totheballpark.info:8443/healthz"),
                Optional.of("totheballpark.info"),
                List.of(new StatusRange(200, 200), new StatusRange(300, 302), new StatusRange(400, 499)),
                Optional.of("ok"), new ProbeCheck.Tls(false, Optional.of(ca), Optional.of("www.totheballpark.info")),
                Optional.of(new HostPort("127.0.0.1", 8443))));
        assertThat(ready).extracting(ProbeSpec::interval, ProbeSpec::timeout, ProbeSpec::initialDelay,
                ProbeSpec::failureThreshold, ProbeSpec::successThreshold, ProbeSpec::startTimeout).containsExactly(
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2), 4, 2, Duration.ofSeconds(30));
        assertThat(ready.origin().line()).isEqualTo(3);
        assertThat(web.health()).isEmpty();
    }

    @Test
    void readyDefaults() throws Exception {
        ProbeSpec ready = web("  ready.http.url = \"http://127.0.0.1:8000/\"").ready().orElseThrow();
        assertThat(ready).extracting(ProbeSpec::interval, ProbeSpec::timeout, ProbeSpec::initialDelay,
                ProbeSpec::failureThreshold, ProbeSpec::successThreshold, ProbeSpec::startTimeout).containsExactly(
                Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ZERO, 1, 1, Duration.ofSeconds(60));
        ProbeCheck.Http http = (ProbeCheck.Http) ready.check();
        assertThat(http.expect()).containsExactly(new StatusRange(200, 399));
        assertThat(http.tls()).isEqualTo(ProbeCheck.Tls.DEFAULT);
        assertThat(http.host()).isEmpty();
        assertThat(http.connectTo()).isEmpty();
    }

    @Test
    void healthDefaultsAndTcp() throws Exception {
        ProbeSpec health = web("  health.tcp.address = \"[::1]:8000\"").health().orElseThrow();
        assertThat(health.check()).isEqualTo(new ProbeCheck.Tcp(new HostPort("::1", 8000)));
        assertThat(health).extracting(ProbeSpec::interval, ProbeSpec::failureThreshold, ProbeSpec::successThreshold,
                ProbeSpec::startPeriod).containsExactly(Duration.ofSeconds(5), 3, 1, Duration.ofSeconds(30));
    }

    @Test
    void startPeriodIsReadOnHealthAndAProblemOnReady() throws Exception {
        assertThat(web("  health { tcp.address = \"a:1\", start-period = 2m }").health().orElseThrow().startPeriod())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(web("  health { tcp.address = \"a:1\", start-period = 0s }").health().orElseThrow().startPeriod())
                .isEqualTo(Duration.ZERO);
        assertThat(web("  ready.tcp.address = \"a:1\"").ready().orElseThrow().startPeriod()).isEqualTo(Duration.ZERO);
        assertThat(problems("  ready { tcp.address = \"a:1\", start-period = 5s }")).containsExactly(files.at(3)
                + "services.web.ready.start-period: applies to health { ... } only: readiness has start-timeout instead");
        assertThat(problems("  health { tcp.address = \"a:1\", start-period = soon }")).containsExactly(files.at(3)
                + "services.web.health.start-period: expected a duration such as 10s (was \"soon\")");
    }

    @Test
    void execCommandIsCheckedLikeAServiceCommand() throws Exception {
        ProbeSpec health = web("  health.exec.command = [gunicorn, --check-config]").health().orElseThrow();
        assertThat(health.check()).isEqualTo(new ProbeCheck.Exec(List.of("gunicorn", "--check-config")));
        assertThat(problems("  health.exec.command = [pg_isready]")).containsExactly(files.at(3)
                + "services.web.health.exec.command: \"pg_isready\" is not an executable file on PATH (searched "
                + files.bin() + ")");
    }

    @Test
    void aProbeNeedsExactlyOneCheck() {
        assertThat(problems("  ready { interval = 1s }")).containsExactly(files.at(3) + "services.web.ready: needs one"
                + " check: http { url = \"http://127.0.0.1:8000/healthz\" }, tcp { address = \"127.0.0.1:8000\" }, exec { command = [...] }"
                + " or notify = true");
        assertThat(problems("  health {\n    http.url = \"http://a/\"\n    tcp.address = \"a:1\"\n  }")).containsExactly(
                files.at(5) + "services.web.health.tcp: a probe makes one check, but this one has http and tcp: keep one");
    }

    @Test
    void readyByNotifyTakesOnlyAStartTimeout() throws ConfigException {
        ServiceSpec web = web("  ready { notify = true, start-timeout = 90s }\n  watchdog = 10s");
        assertThat(web.ready().orElseThrow().check()).isEqualTo(new ProbeCheck.Notify());
        assertThat(web.ready().orElseThrow().startTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(web.watchdog()).contains(java.time.Duration.ofSeconds(10));
        assertThat(web.usesNotify()).isTrue();
        assertThat(problems("  ready { notify = true, interval = 1s }")).containsExactly(files.at(3)
                + "services.web.ready.interval: does not apply to ready { notify = true }: readiness is the service's"
                + " READY=1, nothing is polled; only start-timeout applies");
        assertThat(problems("  ready { notify = false }")).containsExactly(files.at(3)
                + "services.web.ready.notify: notify = false is no check: remove it, or give an http, tcp or exec check");
        assertThat(problems("  health { notify = true }")).containsExactly(files.at(3)
                + "services.web.health.notify: applies to ready { ... } only; for liveness by notification set the"
                + " service's watchdog = 10s (the service sends WATCHDOG=1)");
        assertThat(problems("  watchdog = 0s")).hasSize(1).allSatisfy(p -> assertThat(p).startsWith(files.at(3)
                + "services.web.watchdog: "));
        assertThat(web("  ready.tcp.address = \"127.0.0.1:8000\"").usesNotify()).isFalse();
    }

    @Test
    void startTimeoutOnHealthIsAProblem() {
        assertThat(problems("  health { tcp.address = \"a:1\", start-timeout = 5s }")).containsExactly(files.at(3)
                + "services.web.health.start-timeout: applies to ready { ... } only: a liveness probe restarts after"
                + " failure-threshold failures instead");
    }

    @Test
    void unknownKeysSuggestTheRightOne() {
        assertThat(problems("""
                  ready {
                    http { url = "http://a/", bodycontains = "ok", tls { verfy = true } }
                    intervall = 1s
                  }""")).containsExactly(
                files.at(4) + "services.web.ready.http.bodycontains: unknown key (did you mean \"body-contains\"?)",
                files.at(4) + "services.web.ready.http.tls.verfy: unknown key (did you mean \"verify\"?)",
                files.at(4) + "services.web.ready.http.tls: applies to https:// URLs only (the url is http://a/)",
                files.at(5) + "services.web.ready.intervall: unknown key (did you mean \"interval\"?)");
    }

    @Test
    void urlMustBeHttpOrHttps() {
        assertThat(problems("  ready.http.url = \"ftp://a/x\"")).containsExactly(files.at(3)
                + "services.web.ready.http.url: expected an http:// or https:// URL such as \"http://127.0.0.1:8000/healthz\" (was \"ftp://a/x\")");
        assertThat(problems("  ready.http.host = x")).containsExactly(files.at(3)
                + "services.web.ready.http.url: missing: an http probe needs a url such as \"http://127.0.0.1:8000/healthz\"");
    }

    @Test
    void addressesMustBeHostAndPort() {
        assertThat(problems("""
                  ready.http { url = "https://a/", connect-to = "127.0.0.1" }
                  health.tcp.address = "localhost:70000"
                """)).containsExactly(
                files.at(3) + "services.web.ready.http.connect-to: expected host:port such as \"127.0.0.1:8000\" or"
                        + " \"[::1]:8443\", port 1-65535 (was \"127.0.0.1\")",
                files.at(4) + "services.web.health.tcp.address: expected host:port such as \"127.0.0.1:8000\" or"
                        + " \"[::1]:8443\", port 1-65535 (was \"localhost:70000\")");
    }

    @Test
    void badExpectEntriesAreNamedByIndex() {
        assertThat(problems("  ready.http { url = \"http://a/\", expect = [200, \"399-200\", \"6xx\"] }")).containsExactly(
                files.at(3) + "services.web.ready.http.expect[1]: expected a status such as 200, a range such as"
                        + " \"200-399\" or a class such as \"2xx\", between 100 and 599 (was \"399-200\")",
                files.at(3) + "services.web.ready.http.expect[2]: expected a status such as 200, a range such as"
                        + " \"200-399\" or a class such as \"2xx\", between 100 and 599 (was \"6xx\")");
    }

    @Test
    void timingValuesHaveTheirMinimum() {
        assertThat(problems("  ready { tcp.address = \"a:1\", interval = 0s, failure-threshold = 0, timeout = 2 }"))
                .containsExactly(
                        files.at(3) + "services.web.ready.interval: must be more than zero (was \"0s\")",
                        files.at(3) + "services.web.ready.timeout: expected a duration such as 10s (was 2): add a unit, such as 2s",
                        files.at(3) + "services.web.ready.failure-threshold: must be at least 1 (was 0)");
    }

    @Test
    void missingCaFileIsAProblem() {
        assertThat(problems("  ready.http { url = \"https://a/\", tls.ca-file = \"" + dir.resolve("nope.pem") + "\" }"))
                .containsExactly(files.at(3) + "services.web.ready.http.tls.ca-file: " + dir.resolve("nope.pem") + " does not exist");
    }

    @Test
    void statusRangesInEachSpelling() {
        assertThat(ProbeReader.statusRange("204")).contains(new StatusRange(204, 204));
        assertThat(ProbeReader.statusRange("200-399")).contains(new StatusRange(200, 399));
        assertThat(ProbeReader.statusRange("200 - 299")).contains(new StatusRange(200, 299));
        assertThat(ProbeReader.statusRange("3xx")).contains(new StatusRange(300, 399));
        assertThat(ProbeReader.statusRange("600")).isEmpty();
        assertThat(ProbeReader.statusRange("abc")).isEmpty();
        assertThat(new StatusRange(200, 399).contains(399)).isTrue();
        assertThat(new StatusRange(200, 399).contains(400)).isFalse();
    }

    @Test
    void hostPortSpellings() {
        assertThat(ProbeReader.hostPort("127.0.0.1:8000")).contains(new HostPort("127.0.0.1", 8000));
        assertThat(ProbeReader.hostPort("[::1]:8443")).contains(new HostPort("::1", 8443));
        assertThat(ProbeReader.hostPort("localhost:80")).contains(new HostPort("localhost", 80));
        assertThat(ProbeReader.hostPort("::1:80")).isEmpty();
        assertThat(ProbeReader.hostPort("a:0")).isEmpty();
        assertThat(new HostPort("::1", 1).toString()).isEqualTo("[::1]:1");
    }
}
