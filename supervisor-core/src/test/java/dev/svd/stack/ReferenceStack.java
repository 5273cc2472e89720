package dev.svd.stack;

import dev.svd.certs.Pebble;
import dev.svd.certs.SvdSocket;
import dev.svd.daemon.Svd;
import dev.svd.testing.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import static org.awaitility.Awaitility.await;

/**
 * The reference deployment (conf/svd.conf, conf/nginx, conf/app) prepared by conf/stack/prepare-stack
 * in a test's directory on free ports, and svd run on it as a separate JVM from the test's class
 * path. Its certificate's ACME server is a loopback port where nothing listens (svd keeps serving its
 * placeholder, and nothing leaves the machine) unless a test gives it one ({@link #useAcmeServer});
 * certbot's directories are in the test's directory. Every process below svd is recorded from /proc while the stack runs (a scan every 100 ms),
 * so {@link #close()} can SIGKILL each of them, then svd, also when the test failed. Used by the
 * test thread only (the scan only adds to a synchronized map).
 */
final class ReferenceStack implements AutoCloseable {
    static final String DOMAIN = "totheballpark.test";
    /** conf/svd.conf's certificate. */
    static final String CERTIFICATE = "site";

    final Path dir;
    final int httpPort;
    /** svd's own HTTP listener (svd.http in conf/svd.conf), on a free port so that a demo's 9321 does not clash. */
    final int metricsPort;
    final int httpsPort;
    final int appPort;
    /** Never bound: the default ACME server, which refuses connections. */
    private final int noAcmePort;
    private final Path repo;
    private URI acmeServer;
    private Optional<Path> acmeCa = Optional.empty();
    private Optional<String> onLeftover = Optional.empty();
    private Optional<String> extraConfig = Optional.empty();
    private final Map<Long, ProcessHandle> seen = new LinkedHashMap<>();
    private final ScheduledExecutorService recorder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stack-process-recorder");
        t.setDaemon(true);
        return t;
    });
    private Process svd;

    private ReferenceStack(Path dir, int[] ports) {
        this.dir = dir;
        this.httpPort = ports[0];
        this.httpsPort = ports[1];
        this.appPort = ports[2];
        this.noAcmePort = ports[3];
        this.metricsPort = ports[4];
        this.acmeServer = URI.create("https://127.0.0.1:" + noAcmePort + "/dir");
        this.repo = repository();
    }

    /**
     * Prepares the deployment in {@code dir} (made 0755: nginx's workers run as nobody and JUnit's
     * temporary directories are 0700) on three free ports, none of them the demo's 8000/8081/8443.
     */
    static ReferenceStack prepare(Path dir) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ReferenceStack stack = new ReferenceStack(dir, Ports.freePorts(5));
        ProcessBuilder pb = new ProcessBuilder(stack.repo.resolve("conf/stack/prepare-stack").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("prepare.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(stack.environment());
        Process prepare = pb.start();
        if (!prepare.waitFor(60, TimeUnit.SECONDS) || prepare.exitValue() != 0) {
            prepare.destroyForcibly();
            throw new AssertionError("conf/stack/prepare-stack failed:\n" + read(dir.resolve("prepare.out")));
        }
        return stack;
    }

    /** The variables conf/stack/prepare-stack and conf/svd.conf read. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(Map.of("SVD_STACK_DIR", dir.toString(), "SVD_STACK_DOMAIN", DOMAIN,
                "SVD_STACK_HTTP_PORT", Integer.toString(httpPort), "SVD_STACK_HTTPS_PORT", Integer.toString(httpsPort),
                "SVD_STACK_APP_PORT", Integer.toString(appPort), "SVD_STACK_ACME_SERVER", acmeServer.toString(),
                "SVD_STACK_CERTBOT_CONFIG", dir.resolve("letsencrypt/config").toString(),
                "SVD_STACK_CERTBOT_WORK", dir.resolve("letsencrypt/work").toString(),
                "SVD_STACK_CERTBOT_LOGS", dir.resolve("letsencrypt/logs").toString()));
        acmeCa.ifPresent(ca -> env.put("SVD_STACK_ACME_CA", ca.toString()));
        env.put("SVD_STACK_METRICS_LISTEN", "127.0.0.1:" + metricsPort);
        onLeftover.ifPresent(policy -> env.put("SVD_STACK_ON_LEFTOVER", policy));
        // close() may have to SIGKILL svd, which would leave its cgroups behind (daemon.md); EscapeIT covers them
        env.put("SVD_CGROUP", "off");
        return env;
    }

    /** The ACME server svd's certificate is issued by (such as {@link Pebble#directory()}) and its CA; before {@link #start()}. */
    void useAcmeServer(URI directory, Path ca) {
        acmeServer = directory;
        acmeCa = Optional.of(ca);
    }

    /** {@code on-leftover} of gunicorn and nginx ({@code stop} when not set); before {@link #start()}. */
    void onLeftover(String policy) {
        onLeftover = Optional.of(policy);
    }

    /**
     * HOCON that svd reads after conf/svd.conf (which it includes), overriding its keys, such as
     * {@code services.nginx.reload.timeout = 10m}; before {@link #start()}.
     */
    void extraConfig(String hocon) {
        extraConfig = Optional.of(hocon);
    }

    /** svd's control socket, for requests without a svctl JVM each. */
    SvdSocket socket() {
        return new SvdSocket(dir.resolve("svd.sock"));
    }

    /** Starts svd on conf/svd.conf, its stdout and stderr in svd.out and svd.err. */
    void start() throws IOException {
        Path config = repo.resolve("conf/svd.conf");
        if (extraConfig.isPresent()) {
            Path combined = dir.resolve("svd-test.conf");
            Files.writeString(combined, "include file(\"" + config + "\")\n" + extraConfig.get() + "\n");
            config = combined;
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Svd.class.getName(),
                "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("svd.out").toFile())
                .redirectError(dir.resolve("svd.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(environment());
        pb.environment().put("SVD_LOG_LEVEL", "INFO");
        svd = pb.start();
        recorder.scheduleWithFixedDelay(this::record, 0, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts svd and waits until Django answers through nginx on the https port, svd counts nginx as
     * running (up for start-seconds: a signal before that meets a service still starting), and the
     * certificate's first run (issuance, or its failure) has ended, so no certbot runs meanwhile and no
     * reload of svd's comes in the middle of a test.
     */
    void startAndAwaitServing() throws IOException {
        start();
        await().atMost(Duration.ofSeconds(60)).until(() -> https("/").status() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !lines("nginx: starting -> running").isEmpty());
        await().atMost(Duration.ofSeconds(120)).until(() -> socket().hasResult(CERTIFICATE));
    }

    /**
     * The certificate nginx serves on the https port to a client that sends the domain as SNI (no
     * hairpin NAT: to 127.0.0.1, as curl --resolve). Any certificate is accepted: it is the subject.
     */
    X509Certificate servedCertificate() throws IOException, GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpsPort), 5000);
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(DOMAIN)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** svctl's answer: exit code, stdout, stderr. */
    record Svctl(int exit, String out, String err) {
    }

    /** Runs svctl (a separate JVM from the test's class path) on this stack's socket. */
    Svctl svctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), dev.svd.cli.Svctl.class.getName(),
                "--socket", dir.resolve("svd.sock").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("svctl.out").toFile())
                .redirectError(dir.resolve("svctl.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("svctl " + String.join(" ", args) + " did not answer within 60 s");
        }
        return new Svctl(p.exitValue(), read(dir.resolve("svctl.out")), read(dir.resolve("svctl.err")));
    }

    Process svd() {
        return svd;
    }

    String stdout() {
        return read(dir.resolve("svd.out"));
    }

    /** svd's stdout with its stderr, for assertion messages. */
    String output() {
        return "svd stdout:\n" + stdout() + "\nsvd stderr:\n" + read(dir.resolve("svd.err"));
    }

    /** svd's log lines (its own and the services' prefixed output) that contain {@code text}. */
    List<String> lines(String text) {
        return stdout().lines().filter(l -> l.contains(text)).toList();
    }

    /** svd's direct child whose command line contains {@code program}, read from /proc. */
    Optional<ProcessHandle> master(String program) {
        return svd.children().filter(p -> commandLine(p.pid()).contains(program)).findFirst();
    }

    ProcessHandle awaitMaster(String program) {
        await().atMost(Duration.ofSeconds(30)).until(() -> master(program).isPresent());
        return master(program).orElseThrow();
    }

    /** Every process seen below svd so far, the killed ones included. */
    synchronized List<ProcessHandle> recorded() {
        return List.copyOf(seen.values());
    }

    private void record() {
        Process p = svd;
        if (p != null && p.isAlive()) {
            p.descendants().forEach(h -> {
                synchronized (this) {
                    seen.putIfAbsent(h.pid(), h);
                }
            });
        }
    }

    /** GET through nginx's TLS port, with the domain as SNI and Host (curl --resolve, as in the field notes). */
    Response https(String path) {
        return https(DOMAIN, path);
    }

    Response https(String host, String path) {
        return Response.curl("-k", "--resolve", host + ":" + httpsPort + ":127.0.0.1",
                "https://" + host + ":" + httpsPort + path);
    }

    /**
     * Like {@link #https(String)}, but curl verifies the served certificate: it must chain to {@code ca}
     * and name the domain (no -k).
     */
    Response httpsVerified(Path ca, String path) {
        return Response.curl("--cacert", ca.toString(), "--resolve", DOMAIN + ":" + httpsPort + ":127.0.0.1",
                "https://" + DOMAIN + ":" + httpsPort + path);
    }

    /**
     * Like {@link #https(String)}, but a connection nginx closes before a request was read is tried
     * again, as browsers do: on reload nginx's old workers close idle connections, including one in
     * its TLS handshake, and that is no failed request (nginx.org/en/docs/control.html). Only a
     * try that got no HTTP answer at all is repeated (at most twice); any HTTP status, 502
     * included, is the result. (curl's own --retry would also repeat 502, 503 and 504.)
     */
    Response httpsAsABrowser(String path) {
        Response r = https(path);
        for (int retry = 0; retry < 2 && r.status() == 0; retry++) {
            r = https(path);
        }
        return r;
    }

    /** Like {@link #https(String)}, with the response's header lines before the body (curl -i). */
    Response httpsWithHeaders(String path) {
        return Response.curl("-k", "-i", "--resolve", DOMAIN + ":" + httpsPort + ":127.0.0.1",
                "https://" + DOMAIN + ":" + httpsPort + path);
    }

    /** GET on nginx's plain HTTP port with {@code Host: domain}; redirects are not followed. */
    Response http(String path) {
        return Response.curl("-H", "Host: " + DOMAIN, "http://127.0.0.1:" + httpPort + path);
    }

    /** Alive and not a zombie: PID 1 here reaps orphans only after seconds, so a dead one may linger. */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The recorded processes that hold a listening TCP socket on {@code port}: the socket's inode
     * from /proc/net/tcp, then the processes with a file descriptor on it (what ss -ltnp shows).
     */
    List<Long> listeners(int port) throws IOException {
        String local = String.format(":%04X", port);
        List<String> inodes = new ArrayList<>();
        List<String> table = Files.readAllLines(Path.of("/proc/net/tcp"));
        for (String line : table.subList(1, table.size())) {
            String[] f = line.trim().split("\\s+");
            if (f[1].endsWith(local) && f[3].equals("0A")) { // 0A: TCP_LISTEN
                inodes.add("socket:[" + f[9] + "]");
            }
        }
        List<Long> holders = new ArrayList<>();
        for (ProcessHandle p : recorded()) {
            try (var fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                if (fds.anyMatch(fd -> inodes.contains(link(fd)))) {
                    holders.add(p.pid());
                }
            } catch (IOException gone) {
                // the process ended meanwhile: it holds nothing
            }
        }
        return holders;
    }

    private static String link(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether 127.0.0.1:port can be bound now, i.e. nothing listens there any more. */
    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops svd with SIGTERM (it stops every service and restarts none; SIGKILL after 15 s), then
     * SIGKILLs every recorded process still running (ProcessHandle checks the start time, so a reused
     * pid is never hit). Killing the services first let svd restart one (nginx, restart = always) in
     * the moment before svd itself died: an orphan. Stops the recorder first so nothing is added meanwhile.
     */
    @Override
    public void close() {
        recorder.shutdownNow();
        record();
        if (svd != null && svd.isAlive()) {
            svd.destroy();
            try {
                if (!svd.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    svd.destroyForcibly();
                }
            } catch (InterruptedException e) {
                svd.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle p : recorded()) {
            p.destroyForcibly();
        }
        if (svd != null) {
            svd.destroyForcibly();
        }
    }

    /** The repository root: failsafe runs in supervisor-core/. */
    private static Path repository() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/svd.conf"))) {
                return p;
            }
        }
        throw new IllegalStateException("no conf/svd.conf above " + System.getProperty("user.dir"));
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One curl request: the status (0 when curl could not connect or talk), the redirect target, the body. */
    record Response(int status, String location, String body) {
        private static final String MARK = "\n@@curl ";
        private static final Pattern TAIL = Pattern.compile("(\\d{3}) ?(.*)");
        private static final Pattern WORKER = Pattern.compile("pid=(\\d+)");

        static Response curl(String... args) {
            List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "5", "-w", MARK + "%{http_code} %{redirect_url}"));
            cmd.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                int mark = out.lastIndexOf(MARK);
                Matcher m = TAIL.matcher(mark < 0 ? "" : out.substring(mark + MARK.length()).strip());
                if (!m.matches()) {
                    return new Response(0, "", out);
                }
                return new Response(Integer.parseInt(m.group(1)), m.group(2), out.substring(0, mark));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during curl", e);
            }
        }

        /** The pid of the gunicorn worker that rendered Django's page ("... pid=123"). */
        Optional<Long> worker() {
            Matcher m = WORKER.matcher(body);
            return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
        }
    }
}
