package dev.svd.health;

import dev.svd.config.ProbeCheck.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The part of a tcp or http probe that gets a connected, non-blocking socket: name lookup (off
 * the thread, for names only), connect, and the verdicts on failing at that. Prober's thread only.
 */
abstract class ConnectingAttempt implements Attempt, ProbeIo.Ready {
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    protected final ProbeIo io;
    protected final HostPort address;
    private final InetAddress literal;
    private final Consumer<Verdict> done;
    protected Diagnosis.Stage stage = Diagnosis.Stage.CONNECTING;
    protected SocketChannel channel;
    protected SelectionKey key;
    private boolean finished;

    /** @param literal {@code address}'s host as an address ({@link #literal(HostPort)}), null for a name */
    ConnectingAttempt(ProbeIo io, HostPort address, InetAddress literal, Consumer<Verdict> done) {
        this.io = io;
        this.address = address;
        this.literal = literal;
        this.done = done;
    }

    /**
     * The host of {@code address} when it is an IP address, else null (a name, looked up off the
     * thread on every probe). Made once per watch, not per probe: parsing it each time was a
     * measurable part of an idle svd's probe (docs/benchmarks.md, "Probes at idle").
     */
    static InetAddress literal(HostPort address) {
        if (!LITERAL.matcher(address.host()).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(address.host());
        } catch (IOException e) {
            return null; // shaped like an address but not one ("999.1.1.1"): start() says it cannot be resolved
        }
    }

    /** The socket is connected; go on. */
    protected abstract void connected() throws IOException;

    /** The channel is ready for what {@link #key}'s interest asked; go on. */
    protected abstract void io() throws IOException;

    /** An I/O error after connecting, in words. */
    protected abstract Verdict failed(Exception e);

    @Override
    public void start() {
        if (literal != null) {
            connect(literal);
            return;
        }
        if (LITERAL.matcher(address.host()).matches()) {
            finish(Diagnosis.unresolved(address.host()));
            return;
        }
        stage = Diagnosis.Stage.RESOLVING;
        io.resolve(address.host()).whenComplete((a, e) -> io.post(() -> {
            if (finished) {
                return;
            }
            if (e != null) {
                finish(Diagnosis.unresolved(address.host()));
            } else {
                connect(a);
            }
        }));
    }

    private void connect(InetAddress a) {
        stage = Diagnosis.Stage.CONNECTING;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean now = channel.connect(new InetSocketAddress(a, address.port()));
            key = channel.register(io.selector(), now ? 0 : SelectionKey.OP_CONNECT, this);
            if (now) {
                connected();
            }
        } catch (IOException e) {
            finish(connectFailure(e));
        } catch (RuntimeException e) {
            finish(failed(e));
        }
    }

    /**
     * The JDK reports ECONNREFUSED as a {@link ConnectException}, EHOSTUNREACH as a
     * {@link java.net.NoRouteToHostException} and ENETUNREACH as a plain {@link java.net.SocketException}
     * (connect(2)). A ConnectException may also be ETIMEDOUT, but only after the kernel's SYN retries
     * (tcp(7), tcp_syn_retries: about two minutes), which a probe's own timeout ends first unless it is
     * set longer than that.
     */
    private Verdict connectFailure(IOException e) {
        if (e instanceof ConnectException) {
            return Diagnosis.refused(address);
        }
        return Diagnosis.connectFailed(address, e.getMessage());
    }

    @Override
    public final void ready(SelectionKey k) {
        if (finished) {
            return;
        }
        try {
            if (stage == Diagnosis.Stage.CONNECTING) {
                try {
                    if (!channel.finishConnect()) {
                        return;
                    }
                } catch (IOException e) {
                    finish(connectFailure(e));
                    return;
                }
                key.interestOps(0);
                connected();
            } else {
                io();
            }
        } catch (IOException | RuntimeException e) {
            finish(failed(e));
        }
    }

    protected final void interest(int ops) {
        key.interestOps(ops);
    }

    protected final boolean finished() {
        return finished;
    }

    protected final void finish(Verdict v) {
        if (finished) {
            return;
        }
        finished = true;
        close();
        done.accept(v);
    }

    @Override
    public final void abort() {
        finished = true;
        close();
    }

    @Override
    public Verdict timedOut(Duration timeout) {
        abort();
        return Diagnosis.timeout(stage, address.toString(), address, timeout);
    }

    private void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a probe's socket cannot fail in a way anyone could act on; the key goes with it.
            }
        }
    }
}
