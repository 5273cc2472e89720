package dev.svd.metrics;

import dev.svd.certs.CertificateControl;
import dev.svd.certs.CertificateStatus;
import dev.svd.engine.ServiceControl;
import dev.svd.schedule.JobControl;
import dev.svd.schedule.JobSnapshot;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The metrics of docs/metrics.md, built on each scrape from the published snapshots of the services
 * ({@link ServiceControl#services()}), jobs ({@link JobControl#jobs()}) and certificates
 * ({@link CertificateControl#certificates()}) and from /proc: nothing is kept between scrapes, no timer runs, and
 * nothing is offered to the engine. Called on the HTTP listener's thread.
 */
final class ServiceMetrics implements MultiCollector {
    private final ServiceControl services;
    private final JobControl jobs;
    private final CertificateControl certificates;
    private final long startMillis;

    ServiceMetrics(ServiceControl services, JobControl jobs, CertificateControl certificates) {
        this.services = services;
        this.jobs = jobs;
        this.certificates = certificates;
        this.startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @Override
    public MetricSnapshots collect() {
        List<ServiceSnapshot> all = services.services();
        Set<Integer> groups = all.stream().filter(s -> s.pid() > 0).map(ServiceSnapshot::pid).collect(Collectors.toSet());
        // A service runs in its own process group whose id is its main pid (docs/daemon.md).
        Map<Integer, GroupUsage.Usage> usage = GroupUsage.of(groups);
        Gauges up = new Gauges("svd_service_up", "1 when the service's process is running, else 0");
        Gauges state = new Gauges("svd_service_state", "1 for the service's current state, 0 for the others");
        Gauges ready = new Gauges("svd_service_ready", "1 when the service runs and passed its readiness probe (or has none)");
        Gauges health = new Gauges("svd_service_health", "1 for the service's current health, 0 for the others");
        Counters restarts = new Counters("svd_service_restarts", "automatic restarts since svd started the service");
        Gauges exitCode = new Gauges("svd_service_last_exit_code", "exit code of the service's previous process");
        Gauges exitSignal = new Gauges("svd_service_last_exit_signal", "signal that killed the service's previous process");
        Gauges exitTime = new Gauges("svd_service_last_exit_time_seconds", "when the service's previous process ended (Unix time)");
        Gauges start = new Gauges("svd_service_start_time_seconds", "when the service's current process started (Unix time)");
        Counters cpu = new Counters("svd_service_cpu_seconds", "CPU time (user and system) of the service's process group");
        Gauges rss = new Gauges("svd_service_resident_memory_bytes", "resident memory of the service's process group");
        for (ServiceSnapshot s : all) {
            Labels service = Labels.of("service", s.name());
            up.add(service, s.state() == ServiceState.RUNNING ? 1 : 0);
            for (ServiceState st : ServiceState.values()) {
                state.add(service.add("state", st.name().toLowerCase(Locale.ROOT)), s.state() == st ? 1 : 0);
            }
            ready.add(service, s.state() == ServiceState.RUNNING && s.ready() ? 1 : 0);
            for (Health h : Health.values()) {
                health.add(service.add("health", h.name().toLowerCase(Locale.ROOT)), s.health() == h ? 1 : 0);
            }
            restarts.add(service, s.restarts());
            if (s.lastExit().isPresent() && s.lastExit().get().known()) {
                ExitStatus exit = s.lastExit().get();
                (exit.bySignal() ? exitSignal : exitCode).add(service, exit.value());
                exitTime.add(service, exit.at().toEpochMilli() / 1000.0);
            }
            if (s.startedAt() != null && s.pid() > 0) {
                start.add(service, s.startedAt().toEpochMilli() / 1000.0);
            }
            GroupUsage.Usage u = s.pid() > 0 ? usage.get(s.pid()) : null;
            if (u != null) {
                cpu.add(service, u.cpuSeconds());
                rss.add(service, u.residentBytes());
            }
        }
        List<MetricSnapshot> out = new ArrayList<>();
        for (Object family : List.of(up, state, ready, health, restarts, exitCode, exitSignal, exitTime, start, cpu, rss)) {
            out.add(family instanceof Gauges g ? g.build() : ((Counters) family).build());
        }
        out.addAll(jobs());
        out.addAll(certificates());
        out.addAll(svd());
        return new MetricSnapshots(out);
    }

    private List<MetricSnapshot> jobs() {
        Gauges running = new Gauges("svd_job_running", "1 while a run of the job is in progress");
        Gauges next = new Gauges("svd_job_next_run_time_seconds", "when the job is next scheduled (Unix time, before its random delay)");
        Gauges lastStart = new Gauges("svd_job_last_run_start_time_seconds", "when the job's last finished run started (Unix time)");
        Gauges lastEnd = new Gauges("svd_job_last_run_end_time_seconds", "when the job's last finished run ended (Unix time)");
        Gauges lastDuration = new Gauges("svd_job_last_run_duration_seconds", "how long the job's last finished run took");
        Gauges lastOk = new Gauges("svd_job_last_run_success", "1 when the job's last finished run succeeded, 0 when it failed");
        for (JobSnapshot j : jobs.jobs()) {
            Labels job = Labels.of("job", j.name());
            running.add(job, j.runningSince().isPresent() ? 1 : 0);
            j.nextRun().ifPresent(t -> next.add(job, t.toInstant().toEpochMilli() / 1000.0));
            j.lastRun().ifPresent(r -> {
                lastStart.add(job, r.started().toEpochMilli() / 1000.0);
                lastEnd.add(job, r.ended().toEpochMilli() / 1000.0);
                lastDuration.add(job, (r.ended().toEpochMilli() - r.started().toEpochMilli()) / 1000.0);
                lastOk.add(job, r.ok() ? 1 : 0);
            });
        }
        return List.of(running.build(), next.build(), lastStart.build(), lastEnd.build(), lastDuration.build(),
                lastOk.build());
    }

    private List<MetricSnapshot> certificates() {
        Gauges notAfter = new Gauges("svd_certificate_not_after_seconds", "when the served certificate expires (Unix time)");
        Gauges daysLeft = new Gauges("svd_certificate_days_left", "whole days until the served certificate expires (negative once expired)");
        Gauges placeholder = new Gauges("svd_certificate_placeholder", "1 while svd serves its self-signed placeholder");
        Gauges lastOk = new Gauges("svd_certificate_last_renewal_success", "1 when the last issuance or renewal run succeeded, 0 when it failed");
        Gauges lastAt = new Gauges("svd_certificate_last_renewal_time_seconds", "the time recorded with the last issuance or renewal run (Unix time)");
        for (CertificateStatus c : certificates.certificates()) {
            Labels cert = Labels.of("certificate", c.name());
            c.current().ifPresent(f -> {
                notAfter.add(cert, f.notAfter().toEpochMilli() / 1000.0);
                daysLeft.add(cert, c.daysLeft());
            });
            placeholder.add(cert, c.placeholder() ? 1 : 0);
            c.lastResult().ifPresent(r -> {
                lastOk.add(cert, r.ok() ? 1 : 0);
                lastAt.add(cert, r.at().toEpochMilli() / 1000.0);
            });
        }
        return List.of(notAfter.build(), daysLeft.build(), placeholder.build(), lastOk.build(), lastAt.build());
    }

    /** svd's own process and JVM: the names of the Prometheus client's process and JVM collectors. */
    private List<MetricSnapshot> svd() {
        GroupUsage.Usage self = GroupUsage.self();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Counters cpu = new Counters("process_cpu_seconds", "CPU time (user and system) of svd's own process");
        cpu.add(Labels.EMPTY, self.cpuSeconds());
        Gauges rss = new Gauges("process_resident_memory_bytes", "resident memory of svd's own process");
        rss.add(Labels.EMPTY, self.residentBytes());
        Gauges started = new Gauges("process_start_time_seconds", "when svd started (Unix time)");
        started.add(Labels.EMPTY, startMillis / 1000.0);
        Gauges used = new Gauges("jvm_memory_used_bytes", "memory svd's JVM uses, by area");
        used.add(Labels.of("area", "heap"), memory.getHeapMemoryUsage().getUsed());
        used.add(Labels.of("area", "nonheap"), memory.getNonHeapMemoryUsage().getUsed());
        Gauges threads = new Gauges("jvm_threads_current", "threads in svd's JVM");
        threads.add(Labels.EMPTY, ManagementFactory.getThreadMXBean().getThreadCount());
        return List.of(cpu.build(), rss.build(), started.build(), used.build(), threads.build());
    }

    private static final class Gauges {
        private final GaugeSnapshot.Builder builder;

        Gauges(String name, String help) {
            builder = GaugeSnapshot.builder().name(name).help(help);
        }

        void add(Labels labels, double value) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        GaugeSnapshot build() {
            return builder.build();
        }
    }

    /** A counter family; the exposition adds the {@code _total} suffix to {@code name}. */
    private static final class Counters {
        private final CounterSnapshot.Builder builder;

        Counters(String name, String help) {
            builder = CounterSnapshot.builder().name(name).help(help);
        }

        void add(Labels labels, double value) {
            builder.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        CounterSnapshot build() {
            return builder.build();
        }
    }
}
