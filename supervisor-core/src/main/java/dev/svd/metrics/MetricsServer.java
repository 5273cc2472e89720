package dev.svd.metrics;

import dev.svd.certs.CertificateControl;
import dev.svd.config.HttpSpec;
import dev.svd.engine.ServiceControl;
import dev.svd.engine.WantedServices;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import dev.svd.schedule.JobControl;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's opt-in HTTP listener (svd.http, docs/metrics.md): {@code /metrics} in the Prometheus text format
 * (OpenMetrics when the scraper asks for it in Accept), {@code /healthz}, {@code /readyz} and {@code /status}.
 * The one package that imports the Prometheus client. Served by {@link HttpListener} on one thread of its own;
 * a request reads published snapshots only, so a slow scraper never holds up the engine. GET and HEAD only.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final String JSON = "application/json";

    private final ServiceControl services;
    private final Supplier<String> status;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private HttpListener listener;
    /** svd-http only: whether the JVM collectors are registered (at the first scrape). */
    private boolean jvmCollectors;

    private MetricsServer(ServiceControl services, JobControl jobs, CertificateControl certificates,
                          Observations observed, Supplier<String> status) {
        this.services = services;
        this.status = status;
        registry.register(new ServiceMetrics(services, jobs, certificates, observed));
    }

    /**
     * svd's own process and JVM metrics: the Prometheus client's collectors (prometheus-metrics-instrumentation-jvm)
     * except two. Native memory ({@code JvmNativeMemoryMetrics}) loads about 600 classes of JMX's diagnostic
     * commands and shows nothing unless the JVM runs with -XX:NativeMemoryTracking; the allocation counters per
     * memory pool ({@code JvmMemoryPoolAllocationMetrics}) hook a listener into every garbage collection. Without
     * them the collectors load half the classes of the full set (docs/benchmarks.md, "Metrics listener").
     */
    private static void registerJvmCollectors(PrometheusRegistry registry) {
        ProcessMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
    }

    /**
     * What svd.http counts as it happens ({@link Observations}: a {@code ProbeObserver} and a
     * {@code RequestCounter}): made before the prober and the control server, which report to it, and only when
     * svd.http is configured.
     */
    public static Observations observations() {
        return new Observations();
    }

    /**
     * Binds {@code spec}'s address and starts serving; the caller closes the answer. Typed as
     * {@link AutoCloseable} so that the daemon loads none of this package's classes (nor the Prometheus
     * client's) unless the listener is configured.
     *
     * @param status the JSON of {@code /status}: {@code svctl status --json}'s document (control.StatusView)
     */
    public static AutoCloseable start(HttpSpec spec, ServiceControl services, JobControl jobs,
            CertificateControl certificates, Observations observed, Supplier<String> status) throws IOException {
        MetricsServer metrics = new MetricsServer(services, jobs, certificates, observed, status);
        metrics.listener = new HttpListener(spec.address(), metrics::handle);
        metrics.listener.start();
        log.info("svd: HTTP listener on {}:{} serves /metrics, /healthz, /readyz and /status", spec.host(),
                metrics.listener.port());
        return metrics;
    }

    HttpListener.Response handle(HttpListener.Request request) throws IOException {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpListener.Response.text(405, "only GET and HEAD\n");
        }
        return switch (request.path()) {
            case "/metrics" -> metrics(request.accept());
            case "/healthz" -> HttpListener.Response.text(200, "ok\n");
            case "/readyz" -> readyz();
            case "/status" -> new HttpListener.Response(200, JSON, (status.get() + "\n").getBytes(StandardCharsets.UTF_8));
            default -> HttpListener.Response.text(404, "svd serves /metrics, /healthz, /readyz and /status\n");
        };
    }

    private HttpListener.Response metrics(String accept) throws IOException {
        if (!jvmCollectors) {
            // At the first scrape, not at start: their ~450 classes would otherwise load before any service
            // starts, and an svd that is never scraped would carry them (docs/benchmarks.md, "Metrics listener").
            registerJvmCollectors(registry);
            jvmCollectors = true;
        }
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, registry.scrape());
        return new HttpListener.Response(200, writer.getContentType(), body.toByteArray());
    }

    /**
     * 200 when every service that should run (svd wants it up: not stopped by the operator) runs and is ready;
     * 503 and one line per such service that is not, or while svd shuts down.
     */
    private HttpListener.Response readyz() {
        WantedServices wanted = services.wanted();
        if (wanted.shuttingDown()) {
            return HttpListener.Response.text(503, "not ready: svd is shutting down\n");
        }
        List<ServiceSnapshot> shouldRun = shouldRun(services.services(), wanted);
        List<ServiceSnapshot> notReady = shouldRun.stream()
                .filter(s -> !(s.state() == ServiceState.RUNNING && s.ready())).collect(Collectors.toList());
        if (notReady.isEmpty()) {
            return HttpListener.Response.text(200, "ready\n");
        }
        StringBuilder body = new StringBuilder("not ready: " + notReady.size() + " of " + shouldRun.size()
                + " services that should run\n");
        for (ServiceSnapshot s : notReady) {
            body.append(s.name()).append(": ").append(s.state().name().toLowerCase(Locale.ROOT));
            if (s.state() == ServiceState.RUNNING) {
                body.append(", waiting for its readiness probe");
            }
            if (!s.reason().isEmpty()) {
                body.append(" (").append(s.reason()).append(')');
            }
            body.append('\n');
        }
        return HttpListener.Response.text(503, body.toString());
    }

    /**
     * The services /readyz judges: those svd wants up (not stopped by the operator), except one that ended with
     * exit 0 and whose restart policy keeps it down (exited: it has done its work, docs/lifecycle.md).
     */
    static List<ServiceSnapshot> shouldRun(List<ServiceSnapshot> all, WantedServices wanted) {
        return all.stream().filter(s -> wanted.names().contains(s.name()))
                .filter(s -> !(s.state() == ServiceState.EXITED && s.lastExit().filter(e -> e.known() && !e.bySignal()
                        && e.value() == 0).isPresent()))
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        listener.close();
    }
}
