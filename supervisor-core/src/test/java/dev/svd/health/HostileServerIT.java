package dev.svd.health;

import static dev.svd.health.Probes.http;
import static dev.svd.health.Probes.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.svd.config.ProbeCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * http probes against a server that misbehaves on purpose (the subject is svd's client, so the
 * server is a few lines of Java): endless headers, an endless body, an answer that trickles in,
 * garbage. Each probe must end with a result that says what happened, within its timeout, having
 * read at most {@link HttpAttempt#LIMIT} bytes, and the prober must go on probing afterwards.
 */
class HostileServerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SEED = Long.getLong("seed", System.nanoTime());

    private final Prober prober = new Prober(null);
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws Exception {
        prober.close();
        trickle.shutdownNow();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A server that accepts every connection and hands its output to {@code behaviour} on a thread of its own. */
    private int server(Consumer<OutputStream> behaviour) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread w = new Thread(() -> {
                        try (s) {
                            s.getInputStream().read(new byte[4096]); // the request (its first segment is enough)
                            behaviour.accept(s.getOutputStream());
                        } catch (IOException | RuntimeException e) {
                            // the probe closed the connection: what a hostile server gets
                        }
                    }, "hostile-conn");
                    w.setDaemon(true);
                    w.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "hostile-accept");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Probes.Results watch(ProbeCheck check, Duration timeout) {
        Probes.Results results = new Probes.Results();
        prober.watch("hostile", ProbeKind.HEALTH, spec(check, Duration.ofMillis(200), timeout), ProbeContext.NONE, results);
        return results;
    }

    @Test
    void endlessHeadersEndAtTheReadLimitNotAtTheTimeout() throws Exception {
        int port = server(out -> {
            write(out, "HTTP/1.1 200 OK\r\n");
            while (true) {
                write(out, "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
            }
        });
        Probes.Results results = watch(http("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> results.size() >= 2);
        ProbeResult r = results.last();
        assertThat(r.summary()).isEqualTo("no HTTP answer");
        assertThat(r.failure()).hasValue(ProbeFailure.PROTOCOL);
        assertThat(r.diagnosis()).isEqualTo("from 127.0.0.1:" + port + ", the answer ended inside its headers ("
                + HttpAttempt.LIMIT + " bytes): is it serving plain HTTP on that port (https:// for TLS)?");
    }

    @Test
    void anEndlessBodyIsReadUpToTheLimitAndJudgedOnWhatCame() throws Exception {
        int port = server(out -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nstarting ");
            while (true) {
                write(out, "a".repeat(1000));
            }
        });
        Probes.Results passes = watch(http("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> passes.size() >= 2);
        assertThat(passes.last().ok()).as(passes.last().describe()).isTrue();
        assertThat(passes.last().summary()).startsWith("200 in ");

        ProbeCheck.Http wantsOk = new ProbeCheck.Http(URI.create("http://127.0.0.1:" + port + "/"), Optional.empty(),
                List.of(new ProbeCheck.StatusRange(200, 399)), Optional.of("ok"), ProbeCheck.Tls.DEFAULT, Optional.empty());
        Probes.Results body = new Probes.Results();
        prober.watch("hostile-body", ProbeKind.READY, spec(wantsOk, Duration.ofMillis(200), Duration.ofSeconds(60)),
                ProbeContext.NONE, body);
        await().atMost(WAIT).until(() -> body.size() >= 1);
        assertThat(body.last().failure()).hasValue(ProbeFailure.HTTP_BODY);
        assertThat(body.last().diagnosis()).startsWith("returns 200 but the body does not contain \"ok\" (it starts with \"starting aaa");
    }

    @Test
    void anAnswerThatTricklesInTimesOut() throws Exception {
        int port = server(out -> {
            write(out, "HTTP/1.1 200 OK\r\n");
            // one byte every 50 ms, for ever: never complete, never at the limit
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            trickle.scheduleAtFixedRate(() -> {
                try {
                    write(out, "a");
                } catch (RuntimeException e) {
                    closed.countDown();
                    throw e; // ends this schedule
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Probes.Results results = watch(http("http://127.0.0.1:" + port + "/"), Duration.ofMillis(500));
        await().atMost(WAIT).until(() -> results.size() >= 2);
        ProbeResult r = results.last();
        assertThat(r.summary()).isEqualTo("timeout after 500ms");
        assertThat(r.diagnosis()).contains("(connected to 127.0.0.1:" + port + ", request sent)");
    }

    @Test
    void garbageIsAProtocolFailureNeverAProbeError() throws Exception {
        Random random = new Random(SEED);
        byte[][] answers = new byte[20][];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = new byte[1 + random.nextInt(i == 0 ? 100_000 : 2000)];
            random.nextBytes(answers[i]);
        }
        answers[1] = "HTTP/1.1 2xx OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        answers[2] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n".getBytes(StandardCharsets.ISO_8859_1); // headers never end
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        int port = server(out -> {
            try {
                out.write(answers[next.getAndIncrement() % answers.length]);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Probes.Results results = watch(http("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(120)).until(() -> results.size() >= answers.length);
        for (ProbeResult r : results.all) {
            // a random answer can be a valid one by chance only if it begins "HTTP/": 1 in 2^40
            assertThat(r.ok()).as("seed %d: %s", SEED, r.describe()).isFalse();
            assertThat(r.failure()).as("seed %d: %s", SEED, r.describe()).hasValueSatisfying(f ->
                    assertThat(f).isIn(ProbeFailure.PROTOCOL, ProbeFailure.HTTP_STATUS));
        }
        assertThat(results.all).anySatisfy(r -> assertThat(r.diagnosis()).contains("the status line is not HTTP: \"HTTP/1.1 2xx OK\""));
        assertThat(results.all).anySatisfy(r -> assertThat(r.diagnosis()).contains("the answer ended inside its headers (36 bytes)"));
    }

    /** After every kind of hostile answer above, one prober still probes a good server. */
    @Test
    void theProberGoesOnAfterHostileServers() throws Exception {
        int endless = server(out -> {
            write(out, "HTTP/1.1 200 OK\r\n");
            while (true) {
                write(out, "X: y\r\n");
            }
        });
        int good = server(out -> write(out, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"));
        Probes.Results bad = watch(http("http://127.0.0.1:" + endless + "/"), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> bad.size() >= 3);
        Probes.Results ok = new Probes.Results();
        prober.watch("good", ProbeKind.HEALTH, spec(http("http://127.0.0.1:" + good + "/"), Duration.ofMillis(200),
                Duration.ofSeconds(10)), ProbeContext.NONE, ok);
        await().atMost(WAIT).until(() -> ok.size() >= 3);
        assertThat(ok.all).allSatisfy(r -> assertThat(r.summary()).startsWith("204 in "));
    }
}
