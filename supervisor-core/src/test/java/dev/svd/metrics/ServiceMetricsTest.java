package dev.svd.metrics;

import dev.svd.certs.CertificateControl;
import dev.svd.certs.CertificateFile;
import dev.svd.certs.CertificateStatus;
import dev.svd.certs.RenewalResult;
import dev.svd.engine.ServiceControl;
import dev.svd.health.ProbeFailure;
import dev.svd.health.ProbeKind;
import dev.svd.health.ProbeResult;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.schedule.JobControl;
import dev.svd.schedule.JobRunResult;
import dev.svd.schedule.JobSnapshot;
import dev.svd.schedule.LastRun;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs and certificates as /metrics shows them (services: HttpListenerIT against a real svd). */
class ServiceMetricsTest {
    private static final Instant T = Instant.parse("2026-12-07T03:00:00Z");

    private static ServiceControl services(List<ServiceSnapshot> snapshots) {
        return (ServiceControl) Proxy.newProxyInstance(ServiceControl.class.getClassLoader(),
                new Class<?>[] {ServiceControl.class}, (proxy, method, args) -> {
                    if (method.getName().equals("services")) {
                        return snapshots;
                    }
                    throw new AssertionError("a scrape must only read snapshots, not call " + method.getName());
                });
    }

    private static String scrape(ServiceMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, metrics.collect());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jobsAndCertificatesFromTheirSnapshots() throws Exception {
        JobControl jobs = new JobControl() {
            @Override
            public List<JobSnapshot> jobs() {
                return List.of(new JobSnapshot("backup", "0 3 * * *", "", Duration.ZERO, Duration.ofHours(1), false,
                        Optional.empty(), Optional.empty(), Optional.of(new LastRun(T, T.plusMillis(2500), false, "exited 1"))));
            }

            @Override
            public CompletableFuture<JobRunResult> runNow(String name) {
                throw new AssertionError("not from a scrape");
            }
        };
        CertificateFile file = new CertificateFile(List.of("example.org"), "CN=example.org", "CN=R3", T,
                T.plus(Duration.ofDays(30)), "0a", "ff", false);
        CertificateControl certs = new CertificateControl() {
            @Override
            public List<CertificateStatus> certificates() {
                return List.of(new CertificateStatus("site", List.of("example.org"), Optional.of(file), false, 29, false,
                        "valid for 29 days", Optional.of(new RenewalResult("site", RenewalResult.Outcome.FAILED,
                                "pre-flight failed", "", T, Duration.ofSeconds(3))), Optional.empty(),
                        CertificateStatus.Source.CERTBOT));
            }

            @Override
            public CompletableFuture<RenewalResult> renew(String name, boolean force) {
                throw new AssertionError("not from a scrape");
            }
        };
        String text = scrape(new ServiceMetrics(services(List.of(ServiceSnapshot.initial("web"))), jobs, certs,
                new Observations()));

        long t = T.getEpochSecond();
        assertThat(text).contains("svd_job_running{job=\"backup\"} 0.0\n")
                .contains("svd_job_last_run_duration_seconds{job=\"backup\"} 2.5\n")
                .contains("svd_job_last_run_success{job=\"backup\"} 0.0\n")
                .contains("svd_certificate_days_left{certificate=\"site\"} 29.0\n")
                .contains("svd_certificate_last_renewal_success{certificate=\"site\"} 0.0\n")
                .contains("svd_certificate_placeholder{certificate=\"site\"} 0.0\n")
                .containsPattern("svd_certificate_not_after_seconds\\{certificate=\"site\"} "
                        + (t + 30 * 86400) / 1_000_000_000 + "\\.\\d+E9\n")
                .contains("svd_service_state{service=\"web\",state=\"stopped\"} 1.0\n")
                .contains("svd_service_up{service=\"web\"} 0.0\n")
                .doesNotContain("svd_service_start_time_seconds{")
                .doesNotContain("svd_job_next_run_time_seconds{")
                .doesNotContain("svd_job_last_success_time_seconds{"); // its only run failed
    }

    @Test
    void probesAndRequestsAreCountedByTheirLabelsAndForgottenWithTheirService() throws Exception {
        Observations observed = new Observations();
        observed.observed("web", ProbeKind.READY, result(false, 3, ProbeFailure.REFUSED));
        observed.observed("web", ProbeKind.READY, result(false, 4, ProbeFailure.REFUSED));
        observed.observed("web", ProbeKind.READY, result(true, 2000, null));
        observed.observed("web", ProbeKind.HEALTH, result(false, 2, ProbeFailure.HTTP_STATUS));
        observed.observed("gone", ProbeKind.HEALTH, result(false, 2, ProbeFailure.TIMEOUT));
        observed.observed("api", ProbeKind.HEALTH, result(true, 1, null));
        observed.answered("status", "ok");
        observed.answered("status", "ok");
        observed.answered("stop", "no_such_service");
        ServiceMetrics metrics = new ServiceMetrics(services(List.of(ServiceSnapshot.initial("web"),
                ServiceSnapshot.initial("api"))), noJobs(), CertificateControl.NONE, observed);

        String text = scrape(metrics);
        assertThat(text).contains("svd_probe_failures_total{probe=\"ready\",reason=\"refused\",service=\"web\"} 2.0\n")
                .contains("svd_probe_failures_total{probe=\"health\",reason=\"http_status\",service=\"web\"} 1.0\n")
                .contains("svd_probe_duration_seconds_count{probe=\"ready\",service=\"web\"} 3\n")
                .contains("svd_probe_duration_seconds_bucket{probe=\"ready\",service=\"web\",le=\"0.005\"} 2\n")
                .contains("svd_probe_duration_seconds_bucket{probe=\"ready\",service=\"web\",le=\"1.0\"} 2\n")
                .contains("svd_probe_duration_seconds_bucket{probe=\"ready\",service=\"web\",le=\"2.5\"} 3\n")
                .contains("svd_probe_duration_seconds_sum{probe=\"ready\",service=\"web\"} 2.007\n")
                .contains("svd_control_requests_total{command=\"status\",outcome=\"ok\"} 2.0\n")
                .contains("svd_control_requests_total{command=\"stop\",outcome=\"no_such_service\"} 1.0\n")
                .doesNotContain("service=\"gone\"")
                .contains("svd_probe_duration_seconds_count{probe=\"health\",service=\"api\"} 1\n")
                .doesNotContain("svd_probe_duration_seconds_count{probe=\"ready\",service=\"api\"}"); // it has none
    }

    private static ProbeResult result(boolean ok, long millis, ProbeFailure failure) {
        return new ProbeResult(ok, "", "", OptionalInt.empty(), Duration.ofMillis(millis), T, Optional.ofNullable(failure));
    }

    private static JobControl noJobs() {
        return new JobControl() {
            @Override
            public List<JobSnapshot> jobs() {
                return List.of();
            }

            @Override
            public CompletableFuture<JobRunResult> runNow(String name) {
                throw new AssertionError("not from a scrape");
            }
        };
    }
}
