package dev.svd.metrics;

import dev.svd.control.RequestCounter;
import dev.svd.health.ProbeFailure;
import dev.svd.health.ProbeKind;
import dev.svd.health.ProbeObserver;
import dev.svd.health.ProbeResult;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What svd counts as it happens rather than reads from snapshots: probe durations and failures (called by the
 * prober's thread through {@link ProbeObserver}) and answered control requests (connection threads, through
 * {@link RequestCounter}). Made only with svd.http; without it the daemon hands both ports their no-op.
 * Recording is lock-free (concurrent maps of adders): a probe or a request never waits for a scrape, and a
 * scrape reads the adders as they are (a series may be one observation behind its sum, which Prometheus
 * tolerates). Any thread.
 */
public final class Observations implements ProbeObserver, RequestCounter {
    /**
     * Upper bounds of the probe duration buckets, in seconds: a local http or tcp probe answers in about a
     * millisecond, an exec probe forks a process (several ms), and the default timeout is 2s (docs/health.md);
     * 10s covers longer configured timeouts.
     */
    static final double[] PROBE_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        Double.POSITIVE_INFINITY};

    private record FailureKey(String service, ProbeKind kind, ProbeFailure reason) {}

    private record RequestKey(String command, String outcome) {}

    /** One service and kind's histogram: a count per bucket and the sum. */
    private static final class Durations {
        final LongAdder[] buckets = new LongAdder[PROBE_BUCKETS.length];
        final DoubleAdder sum = new DoubleAdder();

        Durations() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            int i = 0;
            while (seconds > PROBE_BUCKETS[i]) {
                i++;
            }
            buckets[i].increment();
            sum.add(seconds);
        }

        /** Observations so far; 0 for a kind the service has no probe of (no series then). */
        long count() {
            long n = 0;
            for (LongAdder b : buckets) {
                n += b.sum();
            }
            return n;
        }
    }

    /**
     * Each service's histograms, indexed by {@link ProbeKind#ordinal()}: looked up by the service's name on
     * every probe, not by a record of name and kind, whose hashCode and equals (ObjectMethods, method handles)
     * run interpreted in an idle svd (docs/benchmarks.md, "Probes at idle").
     */
    private final Map<String, Durations[]> durations = new ConcurrentHashMap<>();
    private final Map<FailureKey, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();

    @Override
    public void observed(String service, ProbeKind kind, ProbeResult result) {
        Durations[] kinds = durations.get(service);
        if (kinds == null) {
            kinds = durations.computeIfAbsent(service, k -> newKinds());
        }
        kinds[kind.ordinal()].observe(result.latency().toNanos() / 1e9);
        result.failure().ifPresent(reason -> failures.computeIfAbsent(new FailureKey(service, kind, reason),
                k -> new LongAdder()).increment());
    }

    private static Durations[] newKinds() {
        Durations[] kinds = new Durations[ProbeKind.values().length];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = new Durations();
        }
        return kinds;
    }

    @Override
    public void answered(String command, String outcome) {
        requests.computeIfAbsent(new RequestKey(command, outcome), k -> new LongAdder()).increment();
    }

    /**
     * The probe and request families, for the services in {@code services} only: a service removed by an
     * update leaves the scrape (its series are forgotten, so a service of that name added later starts at 0).
     */
    List<MetricSnapshot> collect(Set<String> services) {
        durations.keySet().removeIf(k -> !services.contains(k));
        failures.keySet().removeIf(k -> !services.contains(k.service()));
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name("svd_probe_duration_seconds")
                .help("how long each readiness (probe=\"ready\") and liveness (probe=\"health\") probe took, to its result");
        durations.forEach((service, kinds) -> {
            for (ProbeKind kind : ProbeKind.values()) {
                Durations d = kinds[kind.ordinal()];
                if (d.count() > 0) {
                    histogram.dataPoint(point(service, kind, d));
                }
            }
        });
        Family failed = Family.counter("svd_probe_failures",
                "failed probes by the class of their diagnosis (docs/health.md, docs/metrics.md)");
        failures.forEach((k, n) -> failed.add(Labels.of("service", k.service(), "probe", k.kind().key(),
                "reason", k.reason().label()), n.sum()));
        Family answered = Family.counter("svd_control_requests",
                "control requests answered, by command and outcome (docs/protocol.md)");
        requests.forEach((k, n) -> answered.add(Labels.of("command", k.command(), "outcome", k.outcome()), n.sum()));
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(histogram.build());
        out.add(failed.build());
        out.add(answered.build());
        return out;
    }

    private static HistogramDataPointSnapshot point(String service, ProbeKind kind, Durations d) {
        long[] counts = new long[PROBE_BUCKETS.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = d.buckets[i].sum();
        }
        return HistogramDataPointSnapshot.builder()
                .labels(Labels.of("service", service, "probe", kind.key()))
                .classicHistogramBuckets(ClassicHistogramBuckets.of(PROBE_BUCKETS, counts))
                .sum(d.sum.sum()).build();
    }
}
