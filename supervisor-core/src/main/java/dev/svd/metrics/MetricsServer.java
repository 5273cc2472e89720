package dev.svd.metrics;

import dev.svd.certs.CertificateControl;
import dev.svd.config.HttpSpec;
import dev.svd.schedule.JobControl;
import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's opt-in HTTP listener (svd.http, docs/metrics.md): {@code /metrics} in the Prometheus text format
 * (OpenMetrics when the scraper asks for it in Accept), {@code /healthz} and {@code /readyz}. The one
 * package that imports the Prometheus client. Served by {@link HttpListener} on one thread of its own; a
 * request reads published snapshots only, so a slow scraper never holds up the engine. GET and HEAD only.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final ServiceControl services;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private HttpListener listener;

    private MetricsServer(ServiceControl services, JobControl jobs, CertificateControl certificates) {
        this.services = services;
        registry.register(new ServiceMetrics(services, jobs, certificates));
    }

    /**
     * Binds {@code spec}'s address and starts serving; the caller closes the answer. Typed as
     * {@link AutoCloseable} so that the daemon loads none of this package's classes (nor the Prometheus
     * client's) unless the listener is configured.
     */
    public static AutoCloseable start(HttpSpec spec, ServiceControl services, JobControl jobs,
            CertificateControl certificates) throws IOException {
        MetricsServer metrics = new MetricsServer(services, jobs, certificates);
        metrics.listener = new HttpListener(spec.address(), metrics::handle);
        metrics.listener.start();
        log.info("svd: HTTP listener on {}:{} serves /metrics, /healthz and /readyz", spec.host(), metrics.listener.port());
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
            default -> HttpListener.Response.text(404, "svd serves /metrics, /healthz and /readyz\n");
        };
    }

    private HttpListener.Response metrics(String accept) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, registry.scrape());
        return new HttpListener.Response(200, writer.getContentType(), body.toByteArray());
    }

    /** 200 when every service runs and is ready; 503 and one line per service that is not. */
    private HttpListener.Response readyz() {
        List<ServiceSnapshot> all = services.services();
        List<ServiceSnapshot> notReady = all.stream()
                .filter(s -> !(s.state() == ServiceState.RUNNING && s.ready())).collect(Collectors.toList());
        if (notReady.isEmpty()) {
            return HttpListener.Response.text(200, "ready\n");
        }
        StringBuilder body = new StringBuilder("not ready: " + notReady.size() + " of " + all.size() + " services\n");
        for (ServiceSnapshot s : notReady) {
            body.append(s.name()).append(": ").append(s.state().name().toLowerCase(java.util.Locale.ROOT));
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

    @Override
    public void close() {
        listener.close();
    }
}
