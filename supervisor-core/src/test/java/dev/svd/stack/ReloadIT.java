package dev.svd.stack;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code svctl reload nginx} on the reference deployment: {@code profile = nginx} runs
 * {@code nginx -t} with the master's own arguments first (field notes, problem 1; real-stack
 * notes, pitfall 9: a running nginx ignores a broken config on HUP and only logs it). A confirmed
 * reload means every new connection gets the new configuration (issue 11, point 2).
 */
class ReloadIT {
    @TempDir
    Path dir;

    @Test
    void reloadWithAMissingCertificateIsRefusedWithNginxsErrorAndTheOldConfigKeepsServing() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("nginx: master");
            await().atMost(Duration.ofSeconds(20)).until(() -> master.children().count() == 2);
            Set<Long> workers = master.children().map(ProcessHandle::pid).collect(Collectors.toSet());
            Path site = dir.resolve("nginx/sites/https.conf");
            Files.writeString(site, Files.readString(site).replace("certs/site/fullchain.pem", "certs/site/missing.pem"));

            ReferenceStack.Svctl reload = stack.svctl("reload", "nginx");

            assertThat(reload.exit()).as(reload.err()).isEqualTo(1);
            assertThat(reload.err()).contains("reload refused").contains("nothing was sent")
                    .contains("cannot load certificate \"" + dir.resolve("certs/site/missing.pem") + "\"");
            assertThat(master.children().map(ProcessHandle::pid).collect(Collectors.toSet()))
                    .as("the same workers: no SIGHUP reached the master").isEqualTo(workers);
            assertThat(stack.https("/").status()).isEqualTo(200);
            assertThat(stack.master("nginx: master")).get().isEqualTo(master);
        }
    }

    @Test
    void reloadWithAValidChangeServesItAndNoRequestFailsMeanwhile() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            Path site = dir.resolve("nginx/sites/https.conf");
            Files.writeString(site, Files.readString(site).replace("    client_max_body_size 20m;\n",
                    "    client_max_body_size 20m;\n    add_header X-Reloaded yes always;\n"));

            List<Integer> statuses = new CopyOnWriteArrayList<>();
            AtomicBoolean reloading = new AtomicBoolean(true);
            CompletableFuture<Void> requests = CompletableFuture.runAsync(() -> {
                while (reloading.get()) {
                    statuses.add(stack.httpsAsABrowser("/healthz").status());
                }
            });
            ReferenceStack.Svctl reload;
            try {
                reload = stack.svctl("reload", "nginx");
                // the loop runs on until the new config answers, through the switch of workers
                await().atMost(Duration.ofSeconds(10)).until(() -> stack.httpsWithHeaders("/").body()
                        .toLowerCase(Locale.ROOT).contains("x-reloaded: yes"));
            } finally {
                reloading.set(false);
            }
            requests.get();

            assertThat(reload.exit()).as(reload.err()).isEqualTo(0);
            assertThat(stack.httpsWithHeaders("/").body().toLowerCase(Locale.ROOT))
                    .as("a new connection right after the confirmation").contains("x-reloaded: yes");
            // what happened, to which service, the master's pid, and how long it took
            assertThat(reload.out()).containsPattern("nginx: reloaded.*\\(running, pid \\d+, \\d+(\\.\\d+)?(ms|s)\\)");
            assertThat(statuses).as("requests during the reload").isNotEmpty().allMatch(s -> s == 200);
        }
    }

    /**
     * Issue 11, point 2: once {@code svctl reload nginx} returns, a request on a new connection gets
     * the new configuration, every time, also while an old worker is still busy sending a large
     * file on a connection it accepted before (it may finish that, but accepts nothing new).
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyNewConnectionAfterAConfirmedReloadGetsTheNewConfigurationWhileAnOldWorkerIsBusy() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("nginx: master");
            // sparse, and far more than the socket buffers hold: its worker stays busy until the client reads or goes
            try (RandomAccessFile big = new RandomAccessFile(dir.resolve("www/certbot/.well-known/acme-challenge/big.bin")
                    .toFile(), "rw")) {
                big.setLength(1L << 30);
            }
            Path site = dir.resolve("nginx/sites/http.conf");
            String original = Files.readString(site);
            for (int generation = 1; generation <= 20; generation++) {
                Files.writeString(site, original.replace("    server_name ",
                        "    add_header X-Generation " + generation + " always;\n    server_name "));
                await().atMost(Duration.ofSeconds(30)).until(() -> acceptingWorkers(master).size() == 2);
                Set<Long> before = acceptingWorkers(master);
                try (Socket busy = startDownload(stack.httpPort, "/.well-known/acme-challenge/big.bin")) {
                    ReferenceStack.Svctl reload = stack.svctl("reload", "nginx");
                    ReferenceStack.Response next = ReferenceStack.Response.curl("-i", "-H", "Host: " + ReferenceStack.DOMAIN,
                            "http://127.0.0.1:" + stack.httpPort + "/.well-known/acme-challenge/health.txt");

                    assertThat(reload.exit()).as("generation %d: %s", generation, reload.err()).isEqualTo(0);
                    assertThat(reload.out()).contains("nginx: reloaded: 2 new workers replace 2 (SIGHUP); every new"
                            + " connection reaches a new worker");
                    assertThat(next.status()).isEqualTo(200);
                    assertThat(next.body()).as("generation %d: the first request after the reload", generation)
                            .containsIgnoringCase("x-generation: " + generation + "\r\n");
                    assertThat(before.stream().filter(pid -> ProcessHandle.of(pid).map(ReferenceStack::running)
                            .orElse(false))).as("generation %d: the old worker busy with the download runs on; the"
                            + " reload did not wait for it", generation).isNotEmpty();
                }
            }
        }
    }

    /**
     * Issue 11, point 2: a configuration that passes nginx -t but cannot be applied (a listen on a
     * port that is taken). nginx logs [emerg] and keeps its old workers; svctl answers with that line
     * at once. The reload timeout is 10 minutes, longer than svctl waits for an answer (60 s), so only
     * nginx's line can have ended the wait.
     */
    @Test
    void reloadWhoseListenCannotBindFailsAtOnceWithNginxsEmergLineAndTheOldConfigKeepsServing() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir);
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            stack.extraConfig("services.nginx.reload.timeout = 10m");
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("nginx: master");
            await().atMost(Duration.ofSeconds(20)).until(() -> acceptingWorkers(master).size() == 2);
            Set<Long> workers = acceptingWorkers(master);
            Path site = dir.resolve("nginx/sites/http.conf");
            String original = Files.readString(site);
            Files.writeString(site, original.replace("    server_name ", "    listen 127.0.0.1:" + taken.getLocalPort()
                    + ";\n    add_header X-Generation 2 always;\n    server_name "));

            ReferenceStack.Svctl reload = stack.svctl("reload", "nginx");

            assertThat(reload.exit()).as(reload.err()).isEqualTo(1);
            assertThat(reload.err()).contains("svctl: nginx: reload failed: after SIGHUP pid " + master.pid() + " wrote:")
                    .containsPattern("\\[emerg\\] \\d+#\\d+: bind\\(\\) to 127\\.0\\.0\\.1:" + taken.getLocalPort()
                            + " failed \\(98: Address already in use\\)")
                    .contains("its old workers keep serving")
                    .doesNotContain("timeout").doesNotContain("within");
            assertThat(master.children().map(ProcessHandle::pid).collect(Collectors.toSet()))
                    .as("nginx kept its workers").containsAll(workers);
            ReferenceStack.Response old = ReferenceStack.Response.curl("-i", "-H", "Host: " + ReferenceStack.DOMAIN,
                    "http://127.0.0.1:" + stack.httpPort + "/.well-known/acme-challenge/health.txt");
            assertThat(old.status()).isEqualTo(200);
            assertThat(old.body()).as("the old configuration serves").doesNotContainIgnoringCase("x-generation");
        }
    }

    /**
     * gunicorn's sync workers keep the listening socket until they exit (they stop accepting once
     * they have handled SIGTERM, which nobody outside can see): its reload is confirmed once the old
     * workers no longer hold the socket (they are ending), and the next request is rendered by a new worker.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void gunicornReloadIsConfirmedWhenOnlyNewWorkersCanAccept() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("gunicorn");
            for (int round = 1; round <= 3; round++) {
                await().atMost(Duration.ofSeconds(30)).until(() -> master.children().filter(ReferenceStack::running)
                        .count() == 3);
                Set<Long> before = master.children().map(ProcessHandle::pid).collect(Collectors.toSet());

                ReferenceStack.Svctl reload = stack.svctl("reload", "gunicorn");
                ReferenceStack.Response next = ReferenceStack.Response.curl("--max-time", "60", "-k", "--resolve",
                        ReferenceStack.DOMAIN + ":" + stack.httpsPort + ":127.0.0.1",
                        "https://" + ReferenceStack.DOMAIN + ":" + stack.httpsPort + "/");

                assertThat(reload.exit()).as("round %d: %s", round, reload.err()).isEqualTo(0);
                assertThat(reload.out()).contains("gunicorn: reloaded: 3 new workers replace 3 (SIGHUP)");
                assertThat(next.status()).as("round %d: %s", round, next.body()).isEqualTo(200);
                assertThat(next.worker()).as("round %d: the worker that answered the next request", round).get()
                        .isNotIn(before);
                // svd confirms once no old worker holds the listening socket; a worker closes it as its
                // process ends, and the rest of its exit (Python's teardown) may still be under way here.
                await("round " + round + ": old workers exit").atMost(Duration.ofSeconds(30)).until(() -> before
                        .stream().noneMatch(pid -> ProcessHandle.of(pid).map(ReferenceStack::running).orElse(false)));
            }
        }
    }

    /** The master's workers that accept connections (nginx renames one that shuts down). */
    private static Set<Long> acceptingWorkers(ProcessHandle master) {
        return master.children().filter(p -> ReferenceStack.running(p)
                        && ReferenceStack.commandLine(p.pid()).startsWith("nginx: worker process")
                        && !ReferenceStack.commandLine(p.pid()).contains("shutting down"))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /**
     * GETs {@code path} on a new connection with a small receive buffer and reads only the start of
     * the response: the worker that sends it stays busy with this connection until it is closed.
     */
    private static Socket startDownload(int port, String path) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + ReferenceStack.DOMAIN
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] head = new byte[12];
        int n = in.readNBytes(head, 0, head.length);
        assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        return socket;
    }
}
