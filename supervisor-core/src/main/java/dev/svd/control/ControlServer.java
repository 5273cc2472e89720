package dev.svd.control;

import dev.svd.certs.CertificateControl;
import dev.svd.engine.ConfigControl;
import dev.svd.engine.ServiceControl;
import dev.svd.engine.ServiceOutput;
import dev.svd.engine.ShutdownControl;
import dev.svd.os.PeerCredentials;
import dev.svd.protocol.CommandName;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.ProtocolException;
import dev.svd.protocol.Request;
import dev.svd.protocol.Response;
import dev.svd.schedule.JobControl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.svd.os.SafePaths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's control socket: a Unix stream socket speaking the newline-delimited JSON protocol of
 * docs/protocol.md. {@link #start()} binds it (refusing when another svd answers there), an accept
 * thread hands each client to a pooled platform thread, and {@link #close()} stops accepting,
 * closes every connection and removes the socket file. Handlers reach the engine only through its
 * ports ({@link ServiceControl}, {@link ServiceOutput}, {@link ConfigControl}, {@link ShutdownControl}) and
 * the jobs through {@link JobControl}. start and close from the daemon's main thread; the rest is internal.
 *
 * <pre>{@code
 * ControlServer control = new ControlServer(spec.daemon().socket(), engine, engine, engine, shutdown, jobs,
 *         certificates, AuthorizationPolicy.forDaemonUser(readOnlyGroupOrNull), ControlLimits.DEFAULT);
 * try {
 *     control.start();                  // AlreadyRunningException: print getMessage(), exit non-zero
 * } catch (IOException e) {
 *     control.close();
 *     throw e;
 * }
 * Runtime.getRuntime().addShutdownHook(new Thread(control::close));   // removes the socket file
 * }</pre>
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    /** The longest pause between two failed accepts. */
    private static final long MAX_ACCEPT_PAUSE_MS = 1000;

    private final Path socketPath;
    private final AuthorizationPolicy policy;
    private final ControlLimits limits;
    private final Map<CommandName, RequestHandler> handlers;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ClientSlots slots;
    private final SpareDescriptor spare = new SpareDescriptor();
    private final ExecutorService workers;
    private final ExecutorService watchers;
    private final ScheduledExecutorService timer;
    private final RequestCounter requests;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closing;

    /** With certificates for {@code svctl certs} and {@code renew}. */
    public ControlServer(Path socketPath, ServiceControl services, ServiceOutput output, ConfigControl config,
                         ShutdownControl shutdown, JobControl jobs, CertificateControl certificates,
                         AuthorizationPolicy policy, ControlLimits limits) {
        this(socketPath, services, output, config, shutdown, jobs, certificates, policy, limits, RequestCounter.NONE);
    }

    /** With {@code requests} counting every answered request (svd.http's metrics). */
    public ControlServer(Path socketPath, ServiceControl services, ServiceOutput output, ConfigControl config,
                         ShutdownControl shutdown, JobControl jobs, CertificateControl certificates,
                         AuthorizationPolicy policy, ControlLimits limits, RequestCounter requests) {
        this(socketPath, services, output, config, shutdown, jobs, certificates, policy, limits, Clock.systemUTC(),
                requests);
    }

    ControlServer(Path socketPath, ServiceControl services, ServiceOutput output, ConfigControl config,
                  ShutdownControl shutdown, JobControl jobs, AuthorizationPolicy policy, ControlLimits limits,
                  Clock clock) {
        this(socketPath, services, output, config, shutdown, jobs, CertificateControl.NONE, policy, limits, clock,
                RequestCounter.NONE);
    }

    ControlServer(Path socketPath, ServiceControl services, ServiceOutput output, ConfigControl config,
                  ShutdownControl shutdown, JobControl jobs, CertificateControl certificates,
                  AuthorizationPolicy policy, ControlLimits limits, Clock clock) {
        this(socketPath, services, output, config, shutdown, jobs, certificates, policy, limits, clock,
                RequestCounter.NONE);
    }

    ControlServer(Path socketPath, ServiceControl services, ServiceOutput output, ConfigControl config,
                  ShutdownControl shutdown, JobControl jobs, CertificateControl certificates,
                  AuthorizationPolicy policy, ControlLimits limits, Clock clock, RequestCounter requests) {
        this.requests = requests;
        this.socketPath = socketPath.toAbsolutePath();
        this.policy = policy;
        this.limits = limits;
        this.slots = new ClientSlots(limits);
        this.handlers = Handlers.create(services, output, config, shutdown, jobs, certificates, limits, clock);
        this.workers = Executors.newCachedThreadPool(threads("svd-control-"));
        this.watchers = Executors.newCachedThreadPool(threads("svd-control-stream-"));
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, threads("svd-control-timer-"));
        deadlines.setRemoveOnCancelPolicy(true); // every write arms a deadline: cancelled ones must not pile up
        this.timer = deadlines;
    }

    public Path socketPath() {
        return socketPath;
    }

    /**
     * Creates the socket's directory (0750) if missing, refuses one that others could write, replaces
     * a stale socket file, binds, sets the socket to 0660 (group: the read-only group when configured)
     * and starts accepting.
     *
     * @throws AlreadyRunningException when another svd answers on the path
     * @throws IOException when the path cannot be used, with the path and the reason
     */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("control server already started on " + socketPath);
        }
        GroupPrincipal group = readOnlyGroupPrincipal();
        // An existing directory must be svd's user's (or root's) and writable by nobody else: another
        // user could otherwise replace the socket and answer svctl (issue 12, docs/daemon.md).
        SafePaths.ensureDirectory(socketPath.getParent(), "the control socket's directory",
                SafePaths.PRIVATE_DIRECTORY, group);
        replaceStaleSocket();
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(socketPath));
            // A window between bind and chmod: the directory (0750) is what keeps others out (notes §6).
            SafePaths.setModeNoFollow(socketPath, PosixFilePermissions.fromString("rw-rw----"), group);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on " + socketPath + ": " + e.getMessage(), e);
        }
        server = ch;
        acceptor = threads("svd-control-accept-").newThread(this::acceptLoop);
        acceptor.start();
        spare.reopen();
        log.info("control: listening on {} (max {} clients, {} per user, {} kept for root; {})", socketPath,
                limits.maxClients(), limits.maxClientsPerUser(), limits.reservedForRoot(), policy.describe());
    }

    private GroupPrincipal readOnlyGroupPrincipal() throws IOException {
        if (policy.readOnlyGroup() == null) {
            return null;
        }
        try {
            return socketPath.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(policy.readOnlyGroup());
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("control.read-only-group: no such group \"" + policy.readOnlyGroup() + "\"", e);
        }
    }

    /** A socket file nobody answers on is left by a dead svd: remove it. One that answers is a live svd. */
    private void replaceStaleSocket() throws IOException {
        if (!refuseIfRunning(socketPath)) {
            return;
        }
        log.info("control: removing stale socket {} (nothing answers)", socketPath);
        Files.delete(socketPath);
    }

    /**
     * Throws when an svd answers on {@code socket}; returns whether a stale socket file is there.
     * svd asks this before it touches anything (leftover processes of its state dir included), so
     * a second svd started by mistake disturbs nothing of the first.
     *
     * @throws AlreadyRunningException when another svd answers on the path
     * @throws IOException when the path exists and is not a socket, or cannot be checked
     */
    public static boolean refuseIfRunning(Path socket) throws IOException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isDirectory(socket) || Files.isRegularFile(socket)) {
            throw new IOException("cannot listen on " + socket + ": it exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            throw new AlreadyRunningException("svd is already running on " + socket + ", pid " + pidOf(probe));
        } catch (ConnectException e) {
            return true;
        } catch (AlreadyRunningException e) {
            throw e;
        } catch (SocketException e) {
            throw new IOException("cannot check " + socket + " for a running svd: " + e.getMessage(), e);
        }
    }

    /** Asks the svd on the other end for its pid; "unknown" when it does not say within 2 s. */
    private static String pidOf(SocketChannel probe) {
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                probe.write(ByteBuffer.wrap(new Request("pid-probe", CommandName.VERSION.wireName(), JsonObject.EMPTY)
                        .toLine().getBytes(StandardCharsets.UTF_8)));
                LineReader reader = new LineReader(probe, 1 << 20);
                byte[] line = reader.readLine();
                if (line == null) {
                    return "unknown";
                }
                Response r = Response.parse(LineReader.decode(line));
                return r.ok() ? Long.toString(r.result().longOr("pid", -1)) : "unknown (" + r.error().message() + ")";
            } catch (IOException | ProtocolException e) {
                return "unknown (" + e.getMessage() + ")";
            }
        });
        try {
            return answer.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        } catch (ExecutionException | TimeoutException e) {
            return "unknown";
        }
    }

    /**
     * Accepts until {@link #close()}, whatever accept(2) says: svd must answer on its socket for as
     * long as it runs. A failed accept (EMFILE, ENFILE, ENOMEM, ...) is retried after a pause that
     * grows to {@link #MAX_ACCEPT_PAUSE_MS}; while out of descriptors, svd frees its spare one to
     * take the waiting client, tells it BUSY and closes it, so clients hear why rather than hang in
     * the kernel's queue. Any error is retried the same way: the text of an IOException is not a
     * reliable kind, and giving up is never the right answer.
     */
    private void acceptLoop() {
        int failures = 0;
        while (!closing) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                failures++;
                if (failures == 1) {
                    log.warn("control: accept on {} failed ({}); shedding waiting clients with BUSY and retrying"
                            + " until it works again (is svd out of file descriptors? see docs/daemon.md)",
                            socketPath, e.getMessage());
                }
                shedOne(e);
                pauseAfter(failures);
                continue;
            }
            if (failures > 0) {
                log.info("control: accepting on {} again after {} failed attempts", socketPath, failures);
                failures = 0;
                spare.reopen();
            }
            try {
                admit(ch);
            } catch (IOException | RuntimeException e) {
                log.warn("control: dropping a client: {}", e.toString());
                closeQuietly(ch);
            }
        }
    }

    /** Frees the spare descriptor, accepts one waiting client, tells it BUSY, closes it, takes the spare again. */
    private void shedOne(IOException cause) {
        if (!spare.release()) {
            return;
        }
        try {
            server.configureBlocking(false);
            try (SocketChannel ch = server.accept()) {
                if (ch != null) {
                    ch.write(ByteBuffer.wrap(Response.error(null, ErrorCode.BUSY, "svd cannot serve a connection now ("
                            + cause.getMessage() + "); try again").toLine().getBytes(StandardCharsets.UTF_8)));
                }
            } finally {
                server.configureBlocking(true);
            }
        } catch (IOException e) {
            log.debug("control: shedding a client failed: {}", e.toString());
        } finally {
            spare.reopen();
        }
    }

    private void pauseAfter(int failures) {
        try {
            Thread.sleep(Math.min(MAX_ACCEPT_PAUSE_MS, 10L << Math.min(failures - 1, 10)));
        } catch (InterruptedException e) {
            // Only close() ends this thread, by closing the channel (svd never interrupts it): an
            // interrupt from elsewhere must not end the serving, so it is logged and the loop goes on.
            log.warn("control: the accept thread was interrupted while pausing after a failed accept; going on");
        }
    }

    private void admit(SocketChannel ch) throws IOException {
        Peer peer = peerOf(ch);
        ClientSlots.Verdict verdict = slots.take(peer.uid(), policy.fullAccess(peer.uid()));
        if (verdict != ClientSlots.Verdict.ADMITTED) {
            String why = verdict == ClientSlots.Verdict.USER_FULL
                    ? "user " + peer.user() + " already has " + limits.maxClientsPerUser() + " control connections"
                    : "svd already serves " + (limits.maxClients() - limits.reservedForRoot()) + " control clients"
                    + (limits.reservedForRoot() > 0 ? " (" + limits.reservedForRoot() + " more are kept for root)" : "");
            log.warn("control: refusing {}: {}", peer, why);
            // A fresh socket's send buffer takes this line without blocking the accept thread.
            ch.write(ByteBuffer.wrap(Response.error(null, ErrorCode.BUSY, why + "; try again")
                    .toLine().getBytes(StandardCharsets.UTF_8)));
            ch.close();
            return;
        }
        AtomicReference<Connection> self = new AtomicReference<>();
        Connection c = new Connection(ch, peer, policy, limits, handlers, timer, watchers, requests, () -> {
            connections.remove(self.get());
            slots.release(peer.uid());
        });
        self.set(c);
        connections.add(c);
        if (closing) {
            c.close();
            return;
        }
        workers.execute(c);
    }

    /**
     * The peer's numbers from the kernel (os.PeerCredentials); its names from the JDK, for display.
     * Without the numbers (svd started without the launcher's --add-exports), the names are looked
     * up in /etc/passwd and /etc/group; a failed lookup leaves -1, which has no access.
     */
    private static Peer peerOf(SocketChannel ch) throws IOException {
        UnixDomainPrincipal who = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String user = who.user().getName();
        String group = who.group().getName();
        Optional<PeerCredentials.Credentials> ids = PeerCredentials.of(ch);
        if (ids.isPresent()) {
            PeerCredentials.Credentials c = ids.get();
            return new Peer(user, group, c.uid(), c.gid(), c.pid());
        }
        return new Peer(user, group, AuthorizationPolicy.uidOf(user, Path.of("/etc/passwd")),
                AuthorizationPolicy.gidOf(group, Path.of("/etc/group")), -1);
    }

    /** Stops accepting, closes every connection (ending streams) and removes the socket file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closing || server == null) {
            closing = true;
            shutdownPools();
            return;
        }
        closing = true;
        closeQuietly(server);
        for (Connection c : connections) {
            c.close();
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdownPools();
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            log.warn("control: could not remove {}: {}", socketPath, e.toString());
        }
        log.info("control: closed {}", socketPath);
    }

    private void shutdownPools() {
        spare.release();
        workers.shutdownNow();
        watchers.shutdownNow();
        timer.shutdownNow();
    }

    /** Number of connections being served now (for tests and diagnostics). */
    int activeConnections() {
        return slots.total();
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            log.debug("control: close failed: {}", e.toString());
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
