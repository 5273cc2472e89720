package dev.svd.health;

import dev.svd.config.Origin;
import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of probing: N services probed every second (http or tcp) against one local python3
 * server, CPU of this JVM from /proc/self/stat (utime + stime) over a measured period, after a
 * warm-up. Not a test: run it by hand (docs/health.md says how).
 * Arguments: [http|https|tcp|startup] [services, 200] [seconds, 60]: the measurement covers about
 * {@code services * seconds} passed probes (one round a second), after about ten rounds of warm-up.
 */
public final class ProbeBench {
    private ProbeBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "http";
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Path dir = Files.createTempDirectory("svd-probe-bench");
        int port = Ports.freePort();
        try (TestServers servers = new TestServers()) {
            if (mode.equals("https")) {
                Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", "key.pem",
                        "-out", "cert.pem").directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("openssl.out").toFile()).start();
                if (openssl.waitFor() != 0) {
                    throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.out")));
                }
                servers.probeServer(dir, port, "--cert", dir.resolve("cert.pem").toString(),
                        "--key", dir.resolve("key.pem").toString());
            } else {
                servers.probeServer(dir, port);
            }
            if (mode.equals("startup")) {
                startup(port, dir);
                return;
            }
            if (mode.equals("cold")) {
                cold(port, services, seconds);
                return;
            }
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (Prober prober = new Prober(null)) {
                List<ProbeHandle> handles = new ArrayList<>();
                for (int i = 0; i < services; i++) {
                    ProbeCheck check = switch (mode) {
                        case "tcp" -> new ProbeCheck.Tcp(new ProbeCheck.HostPort("127.0.0.1", port));
                        // a full handshake and certificate check every time (no session resumption)
                        case "https" -> new ProbeCheck.Http(java.net.URI.create("https://localhost:" + port + "/healthz"),
                                java.util.Optional.empty(), List.of(new ProbeCheck.StatusRange(200, 399)),
                                java.util.Optional.empty(), new ProbeCheck.Tls(true,
                                java.util.Optional.of(dir.resolve("cert.pem")), java.util.Optional.empty()),
                                java.util.Optional.of(new ProbeCheck.HostPort("127.0.0.1", port)));
                        default -> Probes.http("http://127.0.0.1:" + port + "/healthz");
                    };
                    // first probes spread over the second, as services started one after another would be;
                    // later ones share the slots of the interval (docs/health.md, "Timing")
                    ProbeSpec spec = new ProbeSpec(check, Duration.ofSeconds(1), Duration.ofSeconds(2),
                            Duration.ofMillis(i * 1000L / services), 3, 1, Duration.ZERO, Duration.ZERO, Origin.UNKNOWN);
                    handles.add(prober.watch("s" + i, ProbeKind.HEALTH, spec, ProbeContext.NONE, r -> {
                        if (r.ok()) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            if (failures.size() < 5) {
                                failures.add(r.describe());
                            }
                        }
                    }));
                }
                // warm-up: about ten rounds; then the measurement: about `seconds` rounds. Both end on
                // a count of results, not a clock, so a slow machine measures the same work.
                long warmUp = services * 10L;
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> ok.get() >= warmUp);
                long okBefore = ok.get();
                long start = cpuMillis();
                long wall = System.nanoTime();
                long measured = (long) services * seconds;
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(seconds * 3L + 60))
                        .until(() -> ok.get() - okBefore >= measured);
                long cpu = cpuMillis() - start;
                double took = (System.nanoTime() - wall) / 1e9;
                long probes = ok.get() - okBefore;
                long probeThreads = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("svd-probe")).count();
                System.out.printf("%s: %d services every 1s, %.1fs measured: %d probes passed (%.1f/s), %d failed in all%n",
                        mode, services, took, probes, probes / took, failed.get());
                System.out.printf("CPU: %d ms in %.1fs = %.0f ms CPU per minute (%.2f%% of one core)%n",
                        cpu, took, cpu * 60 / took, cpu / took / 10);
                System.out.printf("threads: %d named svd-probe*, %d in the JVM%n", probeThreads,
                        Thread.getAllStackTraces().size());
                failures.forEach(f -> System.out.println("  failure: " + f));
                handles.forEach(ProbeHandle::cancel);
            }
        }
    }

    /**
     * The CPU of svd-probe per probe while the probe's code is still interpreted, as in an idle svd
     * whose few probes a minute never make it hot: {@code services} http probes every
     * {@code intervalMs}, the probe thread's CPU time (ThreadMXBean, read in the sink on that thread)
     * per result, printed in rounds of 20 results each, after the first round (class loading).
     */
    private static void cold(int port, int services, int intervalMs) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        int rounds = Integer.getInteger("rounds", 12);
        long[] cpu = new long[rounds + 1];
        AtomicLong results = new AtomicLong();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Prober prober = new Prober(null)) {
            List<ProbeHandle> handles = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                ProbeSpec spec = new ProbeSpec(Probes.http("http://127.0.0.1:" + port + "/healthz"),
                        Duration.ofMillis(intervalMs), Duration.ofSeconds(2), Duration.ofMillis(i * intervalMs / services),
                        3, 1, Duration.ZERO, Duration.ZERO, Origin.UNKNOWN);
                handles.add(prober.watch("s" + i, ProbeKind.HEALTH, spec, ProbeContext.NONE, r -> {
                    if (!r.ok() && failures.size() < 5) {
                        failures.add(r.describe());
                    }
                    long n = results.incrementAndGet();
                    if (n % 20 == 0 && n / 20 <= rounds) {
                        cpu[(int) (n / 20)] = mx.getCurrentThreadCpuTime();
                        if (n / 20 == rounds) {
                            done.countDown();
                        }
                    }
                }));
            }
            done.await();
            handles.forEach(ProbeHandle::cancel);
        }
        StringBuilder line = new StringBuilder("cold http, us of svd-probe CPU per probe, rounds of 20:");
        for (int i = 2; i <= rounds; i++) {
            line.append(' ').append((cpu[i] - cpu[i - 1]) / 20_000);
        }
        System.out.println(line);
        failures.forEach(f -> System.out.println("  failure: " + f));
    }

    /** Time to a first result in a cold JVM: making the prober, then a first http and a first https probe. */
    private static void startup(int port, Path dir) throws Exception {
        org.slf4j.LoggerFactory.getLogger(ProbeBench.class).info("logging is up, as in the daemon");
        long t0 = System.nanoTime();
        long cpu0 = cpuMillis();
        try (Prober prober = new Prober(null)) {
            long made = System.nanoTime();
            ProbeResult http = first(prober, Probes.http("http://127.0.0.1:" + port + "/healthz"));
            long httpDone = System.nanoTime();
            ProbeResult https = first(prober, new ProbeCheck.Http(java.net.URI.create("https://svd.test/"),
                    java.util.Optional.empty(), List.of(new ProbeCheck.StatusRange(200, 399)), java.util.Optional.empty(),
                    ProbeCheck.Tls.DEFAULT, java.util.Optional.of(new ProbeCheck.HostPort("127.0.0.1", port))));
            long httpsDone = System.nanoTime();
            System.out.printf("new Prober: %.1f ms; first http result: %.1f ms (%s); first https attempt (JDK CAs"
                            + " loaded, handshake against a plain port): %.1f ms (%s); CPU so far %d ms%n",
                    (made - t0) / 1e6, (httpDone - made) / 1e6, http.summary(), (httpsDone - httpDone) / 1e6,
                    https.summary(), cpuMillis() - cpu0);
        }
    }

    private static ProbeResult first(Prober prober, ProbeCheck check) throws InterruptedException {
        java.util.concurrent.CompletableFuture<ProbeResult> result = new java.util.concurrent.CompletableFuture<>();
        ProbeHandle h = prober.watch("first", ProbeKind.READY, new ProbeSpec(check, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ZERO, 1, 1, Duration.ofSeconds(60), Duration.ZERO, Origin.UNKNOWN), ProbeContext.NONE,
                result::complete);
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            h.cancel();
        }
    }

    /** utime + stime of this process, fields 14 and 15 of /proc/self/stat, in clock ticks of 10ms (USER_HZ 100). */
    static long cpuMillis() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }
}
