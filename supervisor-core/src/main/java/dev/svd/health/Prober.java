package dev.svd.health;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeSpec;
import dev.svd.os.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ready and health probes of every service on one thread, {@code svd-probe}: a selector
 * for the http and tcp probes' non-blocking sockets and a queue of timers for their schedule and
 * timeouts. Exec probes run through {@link CommandRunner}; names (not addresses) are looked up on
 * one more thread, {@code svd-probe-dns}, made on first need. Each probe runs on fixed-rate slots
 * ({@link Slots}), at most one in flight per service and kind. {@link #watch} and
 * {@link ProbeHandle#cancel} may be called from any thread; sinks are called on {@code svd-probe}.
 */
public final class Prober implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Prober.class);

    private final CommandRunner commands;
    private final Clock clock;
    private final ProbeObserver observer;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong((Timer t) -> t.at).thenComparingLong(t -> t.seq));
    /** Owned by svd-probe: the one watch of each service and kind. */
    private final Map<String, Watch> watches = new HashMap<>();
    private final ProbeIo io = new Io();
    private ExecutorService resolver;
    private long timerSeq;
    private volatile boolean closed;

    /** @param commands runs exec probes; may be null when no exec probe will be watched */
    public Prober(CommandRunner commands) {
        this(commands, ProbeObserver.NONE);
    }

    /** @param observer hears of every result, on svd-probe, before the watch's sink (metrics) */
    public Prober(CommandRunner commands, ProbeObserver observer) {
        this(commands, Clock.systemUTC(), observer);
    }

    /** @param clock the time stamped on results and used for certificate dates */
    Prober(CommandRunner commands, Clock clock) {
        this(commands, clock, ProbeObserver.NONE);
    }

    private Prober(CommandRunner commands, Clock clock, ProbeObserver observer) {
        this.commands = commands;
        this.clock = clock;
        this.observer = observer;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for probes", e);
        }
        this.thread = new Thread(this::loop, "svd-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Probes {@code service} with {@code spec} until the handle is cancelled: first after
     * {@code initial-delay}, then on every {@code interval} slot that is free. Replaces a watch of
     * the same service and kind. {@code sink} gets every result on the probe thread and must not
     * block (offer it to a queue).
     */
    public ProbeHandle watch(String service, ProbeKind kind, ProbeSpec spec, ProbeContext context,
                             Consumer<ProbeResult> sink) {
        Watch w = new Watch(service, kind, spec, context, sink);
        io.post(() -> begin(w));
        return w;
    }

    /** Stops every probe and the thread; results in flight are dropped. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (resolver != null) {
            resolver.shutdownNow();
        }
    }

    private void loop() {
        try {
            while (!closed) {
                runDueTimers();
                Runnable task;
                while ((task = inbox.poll()) != null) {
                    safely(task);
                }
                Timer next = timers.peek();
                long wait = next == null ? 0 : next.at - System.nanoTime();
                if (next != null && wait <= 0) {
                    selector.selectNow();
                } else {
                    // Round up: waking a little late keeps the slot; waking early would spin.
                    selector.select(next == null ? 0 : Math.max(1, (wait + 999_999) / 1_000_000));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid()) {
                        safely(() -> ((ProbeIo.Ready) key.attachment()).ready(key));
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            log.error("probe thread failed; no more probes will run", e);
        } finally {
            watches.values().forEach(w -> {
                if (w.attempt != null) {
                    w.attempt.abort();
                }
            });
            try {
                selector.close();
            } catch (IOException e) {
                log.warn("cannot close the probes' selector: {}", e.toString());
            }
        }
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().at <= now) {
            Timer t = timers.poll();
            if (!t.cancelled) {
                safely(t.action);
            }
        }
    }

    private void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("a probe task failed", e);
        }
    }

    private Timer schedule(long at, Runnable action) {
        Timer t = new Timer(at, timerSeq++, action);
        timers.add(t);
        return t;
    }

    private void begin(Watch w) {
        if (w.cancelled) {
            return;
        }
        Watch old = watches.put(w.key(), w);
        if (old != null) {
            end(old);
        }
        if (w.spec.check() instanceof ProbeCheck.Tcp tcp) {
            w.literal = ConnectingAttempt.literal(tcp.address());
        }
        if (w.spec.check() instanceof ProbeCheck.Http http) {
            w.target = HttpAttempt.Target.of(http);
            w.request = HttpAttempt.request(w.target);
            w.literal = ConnectingAttempt.literal(w.target.connectTo());
            if (http.url().getScheme().equalsIgnoreCase("https")) {
                try {
                    w.tls = TlsTrust.client(http.tls(), w.target.tlsName(), w.kind.key(), clock);
                } catch (GeneralSecurityException | IOException e) {
                    w.tlsError = "cannot set up TLS for the probe: " + e.getMessage();
                }
            }
        }
        long first = System.nanoTime() + w.spec.initialDelay().toNanos();
        w.anchor = Slots.grid(first, w.spec.interval().toNanos());
        schedule(first, () -> fire(w, w.anchor));
    }

    private void end(Watch w) {
        w.cancelled = true;
        watches.remove(w.key(), w);
        if (w.attempt != null) {
            w.attempt.abort();
            w.attempt = null;
        }
        if (w.deadline != null) {
            cancel(w.deadline);
        }
    }

    /**
     * Takes a timer out of the queue, not only marks it: a probe's timeout timer is cancelled by
     * almost every result, and left in the queue it woke the thread for nothing once per probe.
     */
    private void cancel(Timer t) {
        t.cancelled = true;
        timers.remove(t);
    }

    private void fire(Watch w, long slot) {
        if (w.cancelled) {
            return;
        }
        w.slot = slot;
        w.started = System.nanoTime();
        AtomicReference<Attempt> self = new AtomicReference<>();
        Consumer<Verdict> done = v -> finished(w, self.get(), v);
        try {
            self.set(attempt(w, done));
        } catch (RuntimeException e) {
            self.set(new Failing(bug(w, e), done));
        }
        w.attempt = self.get();
        Duration timeout = w.spec.timeout();
        w.deadline = schedule(w.started + timeout.plus(self.get().grace()).toNanos(), () -> {
            if (w.attempt == self.get()) {
                finished(w, self.get(), self.get().timedOut(timeout));
            }
        });
        try {
            self.get().start();
        } catch (RuntimeException e) {
            self.get().abort();
            finished(w, self.get(), bug(w, e));
        }
    }

    /** svd failed to run a probe: logged as svd's error, and still a result, so the schedule goes on. */
    private static Verdict bug(Watch w, RuntimeException e) {
        log.error("{}: cannot run the {} probe", w.service, w.kind.key(), e);
        return Verdict.fail(ProbeFailure.PROBE_ERROR, "probe error", "svd could not run the probe (" + e + "); see svd's log");
    }

    private Attempt attempt(Watch w, Consumer<Verdict> done) {
        ProbeCheck check = w.spec.check();
        if (check instanceof ProbeCheck.Tcp tcp) {
            return new TcpAttempt(io, tcp, w.literal, done);
        }
        if (check instanceof ProbeCheck.Http http) {
            if (w.tlsError != null) {
                return new Failing(Verdict.fail(ProbeFailure.TLS, "TLS failed", w.tlsError), done);
            }
            return new HttpAttempt(io, w.kind, http, w.target, w.request, w.literal, w.tls, done);
        }
        ProbeCheck.Exec exec = (ProbeCheck.Exec) check;
        if (commands == null) {
            return new Failing(Verdict.fail(ProbeFailure.CANNOT_RUN, "cannot run", "exec probes need a command runner"), done);
        }
        return new ExecAttempt(io, commands, w.service, exec, w.context, w.spec.timeout(), done);
    }

    private void finished(Watch w, Attempt a, Verdict v) {
        if (w.cancelled || w.attempt != a) {
            return;
        }
        long end = System.nanoTime();
        w.attempt = null;
        cancel(w.deadline);
        ProbeResult result = v.at(Duration.ofNanos(end - w.started), clock.instant());
        try {
            observer.observed(w.service, w.kind, result);
            w.sink.accept(result);
        } catch (RuntimeException e) {
            log.error("{}: the {} probe's sink failed on {}", w.service, w.kind.key(), result, e);
        }
        long next = Slots.next(w.anchor, w.spec.interval().toNanos(), w.slot, end);
        schedule(next, () -> fire(w, next));
    }

    /** What attempts see of the prober: its selector, its inbox, name lookup. */
    private final class Io implements ProbeIo {
        @Override
        public Selector selector() {
            return selector;
        }

        @Override
        public void post(Runnable task) {
            inbox.add(task);
            selector.wakeup();
        }

        /** svd-probe only. */
        @Override
        public CompletableFuture<InetAddress> resolve(String host) {
            if (resolver == null) {
                resolver = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "svd-probe-dns");
                    t.setDaemon(true);
                    return t;
                });
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return InetAddress.getByName(host);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, resolver);
        }
    }

    /** One entry of the timer queue; cancelled entries are skipped when due. svd-probe only. */
    private static final class Timer {
        final long at;
        final long seq;
        final Runnable action;
        boolean cancelled;

        Timer(long at, long seq, Runnable action) {
            this.at = at;
            this.seq = seq;
            this.action = action;
        }
    }

    /** A check that cannot even start, such as https with an unreadable CA file: fails every time. */
    private record Failing(Verdict verdict, Consumer<Verdict> done) implements Attempt {
        @Override
        public void start() {
            done.accept(verdict);
        }

        @Override
        public Verdict timedOut(Duration timeout) {
            return verdict;
        }

        @Override
        public void abort() {
        }
    }

    /** One watched probe; its mutable fields belong to svd-probe, {@code cancelled} is also set by cancel. */
    private final class Watch implements ProbeHandle {
        final String service;
        final ProbeKind kind;
        final ProbeSpec spec;
        final ProbeContext context;
        final Consumer<ProbeResult> sink;
        volatile boolean cancelled;
        HttpAttempt.Target target;
        byte[] request;
        /** The address connected to when the check names one by IP, made once (ConnectingAttempt.literal). */
        java.net.InetAddress literal;
        TlsTrust.Client tls;
        String tlsError;
        long anchor;
        long slot;
        long started;
        Attempt attempt;
        Timer deadline;

        Watch(String service, ProbeKind kind, ProbeSpec spec, ProbeContext context, Consumer<ProbeResult> sink) {
            this.service = service;
            this.kind = kind;
            this.spec = spec;
            this.context = context;
            this.sink = sink;
        }

        String key() {
            return service + "\u0000" + kind;
        }

        @Override
        public void cancel() {
            cancelled = true;
            io.post(() -> end(this));
        }
    }
}
