package dev.svd.metrics;

import dev.svd.certs.CertificateControl;
import dev.svd.certs.CertificateStatus;
import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.metrics.Family.Metric;
import dev.svd.os.ProcFs;
import dev.svd.schedule.JobControl;
import dev.svd.schedule.JobSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The metrics of docs/metrics.md, built on each scrape from the published snapshots of the services
 * ({@link ServiceControl#services()}), jobs ({@link JobControl#jobs()}) and certificates
 * ({@link CertificateControl#certificates()}), from /proc ({@link ProcFs#groupUsage}) and from what
 * {@link Observations} counted: no timer runs, and nothing is offered to the engine. Called on the HTTP
 * listener's thread.
 */
final class ServiceMetrics implements MultiCollector {
    /** A service's snapshot with the usage of its process group (null without a live process). */
    private record Service(ServiceSnapshot s, ProcFs.Usage usage) {
        Optional<ExitStatus> exit() {
            return s.lastExit().filter(ExitStatus::known);
        }
    }

    private static final List<Metric<Service>> SERVICE = List.of(
            Metric.gauge("svd_service_up", "1 when the service's process is running, else 0",
                    r -> Family.of(r.s().state() == ServiceState.RUNNING ? 1 : 0)),
            Metric.oneHot("svd_service_state", "1 for the service's current state, 0 for the others", "state",
                    ServiceState.values(), r -> r.s().state()),
            Metric.gauge("svd_service_ready", "1 when the service runs and passed its readiness probe (or has none)",
                    r -> Family.of(r.s().state() == ServiceState.RUNNING && r.s().ready() ? 1 : 0)),
            Metric.oneHot("svd_service_health", "1 for the service's current health, 0 for the others", "health",
                    Health.values(), r -> r.s().health()),
            Metric.counter("svd_service_restarts", "automatic restarts since svd started the service",
                    r -> Family.of(r.s().restarts())),
            Metric.gauge("svd_service_last_exit_code", "exit code of the service's previous process",
                    r -> r.exit().filter(e -> !e.bySignal()).map(e -> Family.of(e.value())).orElse(OptionalDouble.empty())),
            Metric.gauge("svd_service_last_exit_signal", "signal that killed the service's previous process",
                    r -> r.exit().filter(ExitStatus::bySignal).map(e -> Family.of(e.value())).orElse(OptionalDouble.empty())),
            Metric.gauge("svd_service_last_exit_time_seconds", "when the service's previous process ended (Unix time)",
                    r -> Family.seconds(r.exit().map(ExitStatus::at).orElse(null))),
            Metric.gauge("svd_service_start_time_seconds", "when the service's current process started (Unix time)",
                    r -> Family.seconds(r.s().pid() > 0 ? r.s().startedAt() : null)),
            Metric.counter("svd_service_cpu_seconds", "CPU time (user and system) of the service's process group",
                    r -> r.usage() == null ? OptionalDouble.empty() : Family.of(r.usage().cpuSeconds())),
            Metric.gauge("svd_service_resident_memory_bytes", "resident memory of the service's process group",
                    r -> r.usage() == null ? OptionalDouble.empty() : Family.of(r.usage().residentBytes())));

    private static final List<Metric<JobSnapshot>> JOB = List.of(
            Metric.gauge("svd_job_running", "1 while a run of the job is in progress",
                    j -> Family.of(j.runningSince().isPresent() ? 1 : 0)),
            Metric.gauge("svd_job_next_run_time_seconds", "when the job is next scheduled (Unix time, before its random delay)",
                    j -> Family.seconds(j.nextRun().map(t -> t.toInstant()).orElse(null))),
            Metric.gauge("svd_job_last_run_start_time_seconds", "when the job's last finished run started (Unix time)",
                    j -> Family.seconds(j.lastRun().map(r -> r.started()).orElse(null))),
            Metric.gauge("svd_job_last_run_end_time_seconds", "when the job's last finished run ended (Unix time)",
                    j -> Family.seconds(j.lastRun().map(r -> r.ended()).orElse(null))),
            Metric.gauge("svd_job_last_run_duration_seconds", "how long the job's last finished run took",
                    j -> j.lastRun().map(r -> Family.of((r.ended().toEpochMilli() - r.started().toEpochMilli()) / 1000.0))
                            .orElse(OptionalDouble.empty())),
            Metric.gauge("svd_job_last_run_success", "1 when the job's last finished run succeeded, 0 when it failed",
                    j -> j.lastRun().map(r -> Family.of(r.ok() ? 1 : 0)).orElse(OptionalDouble.empty())),
            Metric.gauge("svd_job_last_success_time_seconds", "when the job's last successful run ended (Unix time)",
                    j -> Family.seconds(j.lastSuccess().orElse(null))));

    private static final List<Metric<CertificateStatus>> CERTIFICATE = List.of(
            Metric.gauge("svd_certificate_not_after_seconds", "when the served certificate expires (Unix time)",
                    c -> Family.seconds(c.current().map(f -> f.notAfter()).orElse(null))),
            Metric.gauge("svd_certificate_days_left", "whole days until the served certificate expires (negative once expired)",
                    c -> c.current().isPresent() ? Family.of(c.daysLeft()) : OptionalDouble.empty()),
            Metric.gauge("svd_certificate_placeholder", "1 while svd serves its self-signed placeholder",
                    c -> Family.of(c.placeholder() ? 1 : 0)),
            Metric.gauge("svd_certificate_last_renewal_success", "1 when the last issuance or renewal run succeeded, 0 when it failed",
                    c -> c.lastResult().map(r -> Family.of(r.ok() ? 1 : 0)).orElse(OptionalDouble.empty())),
            Metric.gauge("svd_certificate_last_renewal_time_seconds", "the time recorded with the last issuance or renewal run (Unix time)",
                    c -> Family.seconds(c.lastResult().map(r -> r.at()).orElse(null))));

    private final ServiceControl services;
    private final JobControl jobs;
    private final CertificateControl certificates;
    private final Observations observed;

    ServiceMetrics(ServiceControl services, JobControl jobs, CertificateControl certificates, Observations observed) {
        this.services = services;
        this.jobs = jobs;
        this.certificates = certificates;
        this.observed = observed;
    }

    @Override
    public MetricSnapshots collect() {
        List<ServiceSnapshot> all = services.services();
        // A service runs in its own process group whose id is its main pid (docs/daemon.md).
        Map<Integer, ProcFs.Usage> usage = ProcFs.groupUsage(
                all.stream().filter(s -> s.pid() > 0).map(ServiceSnapshot::pid).collect(Collectors.toSet()));
        List<Service> rows = new ArrayList<>(all.size());
        for (ServiceSnapshot s : all) {
            rows.add(new Service(s, s.pid() > 0 ? usage.get(s.pid()) : null));
        }
        List<MetricSnapshot> out = new ArrayList<>(Family.read(rows, r -> Labels.of("service", r.s().name()), SERVICE));
        Set<String> names = all.stream().map(ServiceSnapshot::name).collect(Collectors.toSet());
        out.addAll(observed.collect(names));
        out.addAll(Family.read(jobs.jobs(), j -> Labels.of("job", j.name()), JOB));
        out.addAll(Family.read(certificates.certificates(), c -> Labels.of("certificate", c.name()), CERTIFICATE));
        return new MetricSnapshots(out);
    }
}
