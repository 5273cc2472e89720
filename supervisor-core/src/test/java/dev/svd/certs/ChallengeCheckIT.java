package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.svd.config.ProbeCheck;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pre-flight against a small HTTP server on loopback that serves one directory, like nginx's 8081 block. */
class ChallengeCheckIT {
    @TempDir
    Path dir;
    HttpServer server;
    Path served;
    final List<String> hosts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serve() throws Exception {
        served = dir.resolve("served");
        Files.createDirectories(served);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            Path file = served.resolve(exchange.getRequestURI().getPath().substring(1));
            byte[] body = Files.isRegularFile(file) ? Files.readAllBytes(file) : "not here".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Files.isRegularFile(file) ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ProbeCheck.HostPort via() {
        return new ProbeCheck.HostPort("127.0.0.1", server.getAddress().getPort());
    }

    @Test
    void theTokenComesBackWithEachDomainAsHostAndIsRemoved() throws Exception {
        ChallengeCheck.run(served, List.of("a.test", "www.a.test"), via(), Duration.ofSeconds(5));
        assertThat(hosts).containsExactly("a.test", "www.a.test");
        try (var left = Files.list(served.resolve(ChallengeCheck.PATH))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aWebrootTheServerDoesNotServeFailsWithTheUrlTheAddressAndTheStatus() throws Exception {
        Path webroot = Files.createDirectories(dir.resolve("www"));
        CertificateException e = catchThrowableOfType(CertificateException.class,
                () -> ChallengeCheck.run(webroot, List.of("a.test"), via(), Duration.ofSeconds(5)));
        assertThat(e.getMessage()).matches("pre-flight: http://a\\.test/\\.well-known/acme-challenge/svd-preflight-\\S+ via "
                + via() + " returned 404: is nginx serving " + webroot + "\\?");
        try (var left = Files.list(webroot.resolve(ChallengeCheck.PATH))) {
            assertThat(left).as("token removed").isEmpty();
        }
    }

    @Test
    void nothingListeningSaysSo() throws Exception {
        server.stop(0);
        CertificateException e = catchThrowableOfType(CertificateException.class,
                () -> ChallengeCheck.run(served, List.of("a.test"), via(), Duration.ofSeconds(5)));
        assertThat(e.getMessage()).contains("via " + via() + " failed: Connection refused").endsWith("is nginx running and listening there?");
    }
}
