package dev.svd.certs;

import dev.svd.config.CertificatePaths;
import dev.svd.config.CertificateSpec;
import dev.svd.engine.ActionResult;
import dev.svd.engine.ServiceControl;
import dev.svd.os.CommandRunner;
import dev.svd.os.SpawnRequest;
import dev.svd.protocol.ErrorCode;
import dev.svd.text.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each configured certificate served: a placeholder before the services start ({@link #prepare}),
 * the first issuance once the services that serve it run ({@link #start}), renewals on demand
 * ({@link #renew}), each switched in through a checked reload and confirmed over TLS. All work runs on
 * one thread, {@code svd-certs}, which alone owns the per-certificate state; others read published
 * {@link CertificateStatus} snapshots. Public methods are safe from any thread.
 */
public final class CertificateKeeper implements CertificateControl, AutoCloseable {
    /** A renewal job's timeout: certbot's 5 min, the reload and the TLS confirmation. */
    public static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);

    private static final Logger log = LoggerFactory.getLogger(CertificateKeeper.class);
    private static final Duration CERTBOT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PLACEHOLDER_RENEW = Duration.ofDays(2);
    /** One wait for the reload services to be ready; a timed-out wait is asked again, so the first issuance waits as long as it takes. */
    private static final Duration READY_WAIT = Duration.ofHours(1);
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final int OUTPUT = 32 * 1024;

    /** Runs one command as svd's child; the seam for tests. */
    interface Commands {
        CompletableFuture<CommandRunner.Result> run(SpawnRequest request, Duration timeout);
    }

    private final ServiceControl services;
    private final Commands commands;
    private final Path stateDir;
    private final Clock clock;
    private final Map<String, Lineage> lineages = new LinkedHashMap<>();
    private final Map<String, CertificateStatus> published = new ConcurrentHashMap<>();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "svd-certs");
        t.setDaemon(true);
        return t;
    });

    public CertificateKeeper(Map<String, CertificateSpec> specs, ServiceControl services, CommandRunner runner,
                             Path stateDir, Clock clock) {
        this(specs, services, (req, timeout) -> runner.run(req, timeout, OUTPUT, null), stateDir, clock);
    }

    CertificateKeeper(Map<String, CertificateSpec> specs, ServiceControl services, Commands commands, Path stateDir,
                      Clock clock) {
        this.services = services;
        this.commands = commands;
        this.stateDir = stateDir;
        this.clock = clock;
        specs.values().forEach(s -> lineages.put(s.name(), new Lineage(s)));
        lineages.values().forEach(this::publish);
    }

    /**
     * Before any service starts: points each certificate's {@code cert}/{@code key} at certbot's live files
     * when they are valid, else at a placeholder, so that nginx's config test passes. Blocks until done.
     */
    public void prepare() {
        if (lineages.isEmpty()) {
            return;
        }
        call(() -> {
            lineages.values().forEach(this::prepare);
            return null;
        });
    }

    /**
     * Once each certificate's reload services run and are ready: its first issuance if it is still on its
     * placeholder, and the renewals asked for meanwhile (a missed scheduled run right after svd starts would
     * otherwise find nginx not yet serving the challenge path).
     */
    public void start() {
        for (Lineage l : lineages.values()) {
            boolean issue = !usesLiveFiles(l);
            whenRunning(l.spec.reload(), () -> {
                l.servicesUp.complete(null);
                if (issue) {
                    run(l, false);
                }
            });
        }
    }

    @Override
    public List<CertificateStatus> certificates() {
        return lineages.keySet().stream().map(published::get).toList();
    }

    @Override
    public CompletableFuture<RenewalResult> renew(String name, boolean force) {
        Lineage l = lineages.get(name);
        if (l == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no certificate \"" + name + "\""
                    + (lineages.isEmpty() ? " (none configured)" : " (configured: " + String.join(", ", lineages.keySet()) + ")")));
        }
        CompletableFuture<RenewalResult> result = new CompletableFuture<>();
        l.servicesUp.thenRunAsync(() -> result.complete(run(l, force)), thread).exceptionally(e -> {
            result.completeExceptionally(new IllegalStateException("svd is stopping", e)); // the thread was shut down
            return null;
        });
        return result;
    }

    /** The configured certificates, for a scheduler to register one renewal job each (schedule, random-delay). */
    public List<CertificateSpec> specs() {
        return lineages.values().stream().map(l -> l.spec).toList();
    }

    @Override
    public void close() {
        synchronized (subscriptions) {
            for (AutoCloseable s : subscriptions) {
                try {
                    s.close();
                } catch (Exception e) {
                    log.debug("closing a subscription: {}", e.toString());
                }
            }
        }
        thread.shutdownNow();
    }

    // ---- on the svd-certs thread from here on ----

    private void prepare(Lineage l) {
        CertificateSpec spec = l.spec;
        try {
            try {
                ChallengeCheck.createReadable(spec.webroot().resolve(ChallengeCheck.PATH));
            } catch (IOException e) {
                log.warn("certificate {}: cannot create {}: {}", spec.name(), spec.webroot().resolve(ChallengeCheck.PATH), e.toString());
            }
            if (existingFiles(l)) {
                // the config check (CertificateReader) made sure they are a valid pair; svd serves them as they are
                Optional<CertificateFile> existing = CertificateFile.readQuietly(spec.cert());
                existing.ifPresent(l::served);
                log.info("certificate {}: serving the existing files {} and {} ({}): svd did not create them and never"
                        + " replaces them", spec.name(), spec.cert(), spec.key(), existing.map(c -> "subject " + c.subject()
                        + ", serial " + c.serial() + ", until " + c.notAfter()).orElse("unreadable"));
                if (existing.isEmpty()) {
                    l.message = "no certificate: " + spec.cert() + " (a file svd did not create) holds no readable certificate";
                }
                removePlaceholder(l);
                return;
            }
            Optional<CertificateFile> live = CertificateFile.readQuietly(Certbot.live(spec, "fullchain.pem"));
            if (live.isPresent() && live.get().validAt(clock.instant()) && Files.exists(Certbot.live(spec, "privkey.pem"))) {
                pointAtLive(spec);
                l.served(live.get());
                log.info("certificate {}: {} (serial {}, until {})", spec.name(), Certbot.live(spec, "fullchain.pem"),
                        live.get().serial(), live.get().notAfter());
                removePlaceholder(l);
                return;
            }
            Optional<CertificateFile> current = CertificateFile.readQuietly(spec.cert());
            if (current.isPresent() && current.get().placeholder() && current.get().covers(spec.domains())
                    && current.get().validAt(clock.instant().plus(Duration.ofDays(1))) && Files.exists(spec.key())) {
                l.served(current.get());
                return;
            }
            makePlaceholder(l);
        } catch (CertificateException | IOException e) {
            l.message = "no certificate: " + e.getMessage();
            log.error("certificate {}: {}", spec.name(), l.message);
        } catch (RuntimeException e) { // svd goes on without this certificate rather than not starting at all
            l.message = "no certificate: svd failed: " + e;
            log.error("certificate {}: preparing failed", spec.name(), e);
        } finally {
            publish(l);
        }
    }

    private void makePlaceholder(Lineage l) throws CertificateException, IOException {
        l.served(Placeholder.make(l.spec, placeholderDir(l.spec), svdTargets(l.spec), commands));
        log.info("certificate {}: serving a self-signed placeholder ({} days) for {} until certbot has issued one",
                l.spec.name(), Placeholder.DAYS, String.join(", ", l.spec.domains()));
    }

    /**
     * A first issuance that keeps failing outlives the 7-day placeholder; a fresh one is made (and reloaded, checked)
     * when less than {@link #PLACEHOLDER_RENEW} is left, so the services never serve an expired one.
     */
    private void renewPlaceholderIfExpiring(Lineage l) throws CertificateException, IOException {
        Optional<CertificateFile> current = CertificateFile.readQuietly(l.spec.cert());
        if (!existingFiles(l) && current.isPresent() && current.get().placeholder()
                && current.get().notAfter().isBefore(clock.instant().plus(PLACEHOLDER_RENEW))) {
            makePlaceholder(l);
            for (String service : l.spec.reload()) {
                ActionResult reloaded = await(services.reload(service, RELOAD_TIMEOUT), RELOAD_TIMEOUT);
                if (!reloaded.ok() && reloaded.error() != ErrorCode.NOT_RUNNING) {
                    log.warn("certificate {}: a new placeholder is ready, but {}", l.spec.name(), reloaded.message());
                }
            }
        }
    }

    private Path placeholderDir(CertificateSpec spec) {
        return CertificatePaths.placeholderDir(stateDir, spec.name());
    }

    private List<Path> svdTargets(CertificateSpec spec) {
        return CertificatePaths.svdTargets(stateDir, spec);
    }

    /** Whether cert or key is a file svd did not create (read each time: the operator may change them). */
    private boolean existingFiles(Lineage l) {
        List<Path> targets = svdTargets(l.spec);
        return !CertificatePaths.svdMayReplace(l.spec.cert(), targets) || !CertificatePaths.svdMayReplace(l.spec.key(), targets);
    }

    private void removePlaceholder(Lineage l) throws IOException {
        Placeholder.remove(placeholderDir(l.spec));
    }

    private boolean usesLiveFiles(Lineage l) {
        return CertificateLinks.target(l.spec.cert()).filter(Certbot.live(l.spec, "fullchain.pem")::equals).isPresent()
                && CertificateFile.readQuietly(l.spec.cert()).isPresent();
    }

    /** Calls {@code action} on this thread once every named service is running and ready ({@link WhenReady}). */
    private void whenRunning(List<String> names, Runnable action) {
        AutoCloseable subscription = new WhenReady(services, names, READY_WAIT, action, this::onCertsThread).start();
        synchronized (subscriptions) {
            subscriptions.add(subscription);
        }
    }

    /** Runs {@code work} on svd-certs; once {@link #close()} shut it down, there is nothing left to do and it is dropped. */
    private void onCertsThread(Runnable work) {
        try {
            thread.execute(work);
        } catch (RejectedExecutionException closed) {
            log.debug("svd-certs is closed; not running {}", work);
        }
    }

    /** One run: first issuance while on the placeholder, else a renewal. Records the result and any retry. */
    private RenewalResult run(Lineage l, boolean force) {
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        if (l.retry != null) {
            l.retry.cancel(false);
            l.retry = null;
        }
        l.nextAttempt = Optional.empty();
        RenewalResult result;
        try {
            boolean live = CertificateFile.readQuietly(Certbot.live(l.spec, "fullchain.pem")).isPresent();
            result = live ? renewal(l, force, at, t0) : issuance(l, at, t0);
        } catch (CertificateException e) {
            result = new RenewalResult(l.spec.name(), RenewalResult.Outcome.FAILED, e.getMessage(), "", at, since(t0));
        } catch (IOException | RuntimeException e) {
            log.error("certificate {}: unexpected failure", l.spec.name(), e);
            result = new RenewalResult(l.spec.name(), RenewalResult.Outcome.FAILED, "svd failed: " + e, "", at, since(t0));
        }
        l.lastResult = Optional.of(result);
        if (result.ok()) {
            l.failures = 0;
            log.info("certificate {}: {}: {}", l.spec.name(), result.outcome().wireName(), result.message());
        } else {
            l.failures++;
            Duration wait = RenewalBackoff.after(l.failures);
            l.nextAttempt = Optional.of(clock.instant().plus(wait));
            l.retry = thread.schedule(() -> run(l, false), wait.toMillis(), TimeUnit.MILLISECONDS);
            log.warn("certificate {}: {}; next attempt in {} (failure {} in a row)", l.spec.name(), result.message(),
                    Durations.human(wait), l.failures);
        }
        publish(l);
        return result;
    }

    private RenewalResult issuance(Lineage l, Instant at, long t0) throws CertificateException, IOException {
        CertificateSpec spec = l.spec;
        renewPlaceholderIfExpiring(l);
        ChallengeCheck.run(spec.webroot(), spec.domains(), spec.httpCheck(), CHECK_TIMEOUT);
        log.info("certificate {}: asking {} for {}", spec.name(), spec.acmeServer(), String.join(", ", spec.domains()));
        CommandRunner.Result r = await(commands.run(Certbot.request(spec, Certbot.certonly(spec)), CERTBOT_TIMEOUT),
                CERTBOT_TIMEOUT);
        if (!r.ok()) {
            throw new CertificateException(Certbot.explain(r.output(), spec.acmeServer().toString())
                    + " (certbot certonly " + r.describe() + ")");
        }
        if (existingFiles(l)) {
            return notInstalled(l, "issued", at, t0);
        }
        CertificateFile issued = switchAndReload(l);
        return new RenewalResult(spec.name(), RenewalResult.Outcome.ISSUED, "issued by " + issued.issuer()
                + ", serial " + issued.serial() + ", until " + issued.notAfter(), issued.serial(), at, since(t0));
    }

    private RenewalResult renewal(Lineage l, boolean force, Instant at, long t0) throws CertificateException, IOException {
        CertificateSpec spec = l.spec;
        Path live = Certbot.live(spec, "fullchain.pem");
        ChallengeCheck.run(spec.webroot(), spec.domains(), spec.httpCheck(), CHECK_TIMEOUT);
        CertificateFile before = CertificateFile.read(live).orElseThrow();
        CommandRunner.Result r = await(commands.run(Certbot.request(spec, Certbot.renew(spec, force)), CERTBOT_TIMEOUT),
                CERTBOT_TIMEOUT);
        if (!r.ok()) {
            throw new CertificateException("renewal failed: " + Certbot.explain(r.output(), spec.acmeServer().toString())
                    + " (certbot renew " + r.describe() + "); still serving serial " + before.serial());
        }
        CertificateFile after = CertificateFile.read(live).orElseThrow(() -> new CertificateException(
                "certbot renew succeeded but " + live + " is gone"));
        if (existingFiles(l)) {
            return notInstalled(l, after.sha256().equals(before.sha256()) ? "not due, kept at" : "renewed in", at, t0);
        }
        if (after.sha256().equals(before.sha256()) && after.sha256().equals(l.servedSha) && usesLiveFiles(l)) {
            long days = Duration.between(clock.instant(), after.notAfter()).toDays();
            return new RenewalResult(spec.name(), RenewalResult.Outcome.UNCHANGED, "not due (" + days
                    + " days left): the files did not change, nothing was reloaded", after.serial(), at, since(t0));
        }
        String was = l.servedSerial.isEmpty() ? before.serial() : l.servedSerial;
        CertificateFile renewed = switchAndReload(l);
        return new RenewalResult(spec.name(), RenewalResult.Outcome.RENEWED, "serial " + was + " -> "
                + renewed.serial() + " until " + renewed.notAfter() + (spec.reload().isEmpty() ? ""
                : ", served by " + String.join(", ", spec.reload())), renewed.serial(), at, since(t0));
    }

    /**
     * certbot has a certificate, but cert/key are files svd did not create: svd neither replaces them nor reloads
     * anything (the services keep serving those files), and says where certbot's certificate is and what to do.
     */
    private RenewalResult notInstalled(Lineage l, String verb, Instant at, long t0) throws CertificateException, IOException {
        CertificateSpec spec = l.spec;
        Path live = Certbot.live(spec, "fullchain.pem");
        CertificateFile issued = CertificateFile.read(live).orElseThrow(
                () -> new CertificateException("certbot succeeded but " + live + " is missing"));
        return new RenewalResult(spec.name(), RenewalResult.Outcome.NOT_INSTALLED, verb + " " + live + " (serial "
                + issued.serial() + ", until " + issued.notAfter() + "), not installed: " + spec.cert() + " and "
                + spec.key() + " are files svd did not create, and svd never replaces them; the services keep serving"
                + " them. To serve certbot's certificate, point the services at " + live + " and "
                + Certbot.live(spec, "privkey.pem") + ", or move your files away so that svd manages " + spec.cert()
                + " and " + spec.key() + " (svd links them after its next start)", l.servedSerial, at, since(t0));
    }

    /**
     * Points cert/key at certbot's live files, reloads each service (the reload runs its config test first and
     * sends nothing when it fails), then confirms over TLS that the new serial is served.
     */
    private CertificateFile switchAndReload(Lineage l) throws CertificateException, IOException {
        CertificateSpec spec = l.spec;
        CertificateFile fresh = CertificateFile.read(Certbot.live(spec, "fullchain.pem")).orElseThrow(
                () -> new CertificateException("certbot succeeded but " + Certbot.live(spec, "fullchain.pem") + " is missing"));
        pointAtLive(spec);
        boolean reloadedAll = !spec.reload().isEmpty();
        for (String service : spec.reload()) {
            ActionResult reloaded = await(services.reload(service, RELOAD_TIMEOUT), RELOAD_TIMEOUT);
            if (reloaded.error() == ErrorCode.NOT_RUNNING) {
                // nothing to switch: it reads the new files when it starts
                log.info("certificate {}: {} is not running; it reads serial {} when it starts", spec.name(), service,
                        fresh.serial());
                reloadedAll = false;
            } else if (!reloaded.ok()) {
                throw new CertificateException("serial " + fresh.serial() + " is ready, but " + reloaded.message()
                        + "\n(" + service + " keeps serving the certificate it had)");
            }
        }
        if (reloadedAll) {
            ServedCertificate.awaitSerial(spec.tlsCheck(), spec.domains().get(0), fresh.serial(), spec.reload(),
                    CONFIRM_TIMEOUT);
        }
        l.served(fresh);
        removePlaceholder(l);
        return fresh;
    }

    private void pointAtLive(CertificateSpec spec) throws IOException {
        List<Path> targets = svdTargets(spec);
        for (Path own : List.of(spec.key(), spec.cert())) {
            if (!CertificatePaths.svdMayReplace(own, targets)) { // checked before either link changes
                throw new IOException(own + " is a file svd did not create; svd never replaces it");
            }
        }
        CertificateLinks.point(spec.key(), Certbot.live(spec, "privkey.pem"), targets);
        CertificateLinks.point(spec.cert(), Certbot.live(spec, "fullchain.pem"), targets);
    }

    private void publish(Lineage l) {
        CertificateStatus status = CertificateStatus.of(l.spec, CertificateFile.readQuietly(l.spec.cert()),
                existingFiles(l), l.message, l.lastResult, l.nextAttempt, clock.instant());
        boolean expiring = status.warning() && !status.placeholder();
        if (expiring && !l.warned) {
            String warning = status.daysLeft() + " days left (warn-days " + l.spec.warnDays() + "): is renewal working?";
            log.warn("certificate {}: {}", l.spec.name(), warning);
            services.announce("certificate " + l.spec.name(), warning);
        }
        l.warned = expiring;
        published.put(l.spec.name(), status);
    }

    private <T> T call(java.util.concurrent.Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    static <T> T await(CompletableFuture<T> future, Duration timeout) throws CertificateException {
        try {
            return future.get(timeout.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CertificateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new CertificateException(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new CertificateException("no answer within " + timeout.plusSeconds(10).toSeconds() + "s", e);
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The mutable state of one certificate; only the svd-certs thread touches it. */
    private static final class Lineage {
        final CertificateSpec spec;
        String servedSha = "";
        String servedSerial = "";
        String message = "";
        int failures;
        boolean warned;
        Optional<RenewalResult> lastResult = Optional.empty();
        Optional<Instant> nextAttempt = Optional.empty();
        ScheduledFuture<?> retry;
        /** Completed once the reload services first ran and were ready after start(); renewals wait for it. */
        final CompletableFuture<Void> servicesUp = new CompletableFuture<>();

        Lineage(CertificateSpec spec) {
            this.spec = spec;
        }

        void served(CertificateFile c) {
            servedSha = c.sha256();
            servedSerial = c.serial();
        }
    }
}
