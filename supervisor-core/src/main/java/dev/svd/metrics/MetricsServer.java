package dev.svd.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.svd.config.HttpSpec;
import dev.svd.engine.ServiceControl;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's opt-in HTTP listener (svd.http, docs/metrics.md): {@code /metrics} in the Prometheus text format
 * (OpenMetrics when the scraper asks for it in Accept), {@code /healthz} and {@code /readyz}. The one
 * package that imports the Prometheus client. Served by the JDK's HTTP server on one thread of its own; a
 * request reads published snapshots only, so a slow scraper never holds up the engine. GET and HEAD only.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final ServiceControl services;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    private MetricsServer(HttpServer server, ExecutorService executor, ServiceControl services) {
        this.server = server;
        this.executor = executor;
        this.services = services;
        registry.register(new ServiceMetrics(services));
    }

    /**
     * Binds {@code spec}'s address and starts serving; the caller closes the answer. Typed as
     * {@link AutoCloseable} so that the daemon loads none of this package's classes (nor the Prometheus
     * client's) unless the listener is configured.
     */
    public static AutoCloseable start(HttpSpec spec, ServiceControl services) throws IOException {
        HttpServer server = HttpServer.create(spec.address(), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "svd-http");
            t.setDaemon(true);
            return t;
        });
        MetricsServer metrics = new MetricsServer(server, executor, services);
        server.createContext("/", metrics::handle);
        server.setExecutor(executor);
        server.start();
        log.info("svd: HTTP listener on {}:{} serves /metrics, /healthz and /readyz", spec.host(),
                server.getAddress().getPort());
        return metrics;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> metrics(exchange);
                case "/healthz" -> reply(exchange, 200, "text/plain; charset=utf-8", "ok\n");
                case "/readyz" -> readyz(exchange);
                default -> reply(exchange, 404, "text/plain; charset=utf-8",
                        "svd serves /metrics, /healthz and /readyz\n");
            }
        } catch (RuntimeException e) {
            log.warn("svd: HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, registry.scrape());
        reply(exchange, 200, writer.getContentType(), body.toByteArray());
    }

    /** 200 when every service runs and is ready; 503 and one line per service that is not. */
    private void readyz(HttpExchange exchange) throws IOException {
        List<ServiceSnapshot> notReady = services.services().stream()
                .filter(s -> !(s.state() == ServiceState.RUNNING && s.ready())).collect(Collectors.toList());
        if (notReady.isEmpty()) {
            reply(exchange, 200, "text/plain; charset=utf-8", "ready\n");
            return;
        }
        StringBuilder body = new StringBuilder("not ready: " + notReady.size() + " of " + services.services().size()
                + " services\n");
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
        reply(exchange, 503, "text/plain; charset=utf-8", body.toString());
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        reply(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
