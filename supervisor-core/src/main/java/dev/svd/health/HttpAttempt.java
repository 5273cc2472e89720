package dev.svd.health;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeCheck.HostPort;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * An http(s) probe: one {@code GET} over HTTP/1.1 with {@code Connection: close}, written by hand on
 * a non-blocking socket (and an {@link SSLEngine} for https) so that the Host header, the SNI name
 * and the address connected to are exactly the configured ones, like {@code curl --resolve}.
 * Reads at most {@link #LIMIT} bytes of the answer. Prober's thread only.
 */
final class HttpAttempt extends ConnectingAttempt {
    static final int LIMIT = 64 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ProbeKind kind;
    private final ProbeCheck.Http check;
    private final Target target;
    private final TlsTrust.Client tls;
    private final long started;
    private final ByteBuffer request;
    private SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private byte[] response = new byte[4096];
    private int length;
    private boolean sent;
    /** The server's first bytes began a TLS record (checked once, before the engine sees them). */
    private boolean tlsRecordSeen;

    /** Where an http check connects, what it sends as Host, and which name TLS asks for and checks. */
    record Target(HostPort connectTo, String hostHeader, String tlsName, String requestTarget) {
        static Target of(ProbeCheck.Http check) {
            URI url = check.url();
            boolean https = url.getScheme().equalsIgnoreCase("https");
            int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
            String urlHost = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                    : url.getHost();
            String hostHeader = check.host().orElseGet(() -> url.getPort() > 0 ? url.getHost() + ":" + port : url.getHost());
            String tlsName = check.tls().sni().orElseGet(() -> check.host().map(Target::withoutPort).orElse(urlHost));
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
            return new Target(check.connectTo().orElse(new HostPort(urlHost, port)), hostHeader, tlsName, path + query);
        }

        private static String withoutPort(String host) {
            int colon = host.lastIndexOf(':');
            return colon > 0 && !host.endsWith("]") && host.indexOf(':') == colon ? host.substring(0, colon) : host;
        }
    }

    /**
     * {@code tls} is null for http://; {@code request} is {@link #request(Target)}'s, made once per
     * watch; {@code literal} is {@link ConnectingAttempt#literal}'s for the target's address.
     */
    HttpAttempt(ProbeIo io, ProbeKind kind, ProbeCheck.Http check, Target target, byte[] request,
                java.net.InetAddress literal, TlsTrust.Client tls, Consumer<Verdict> done) {
        super(io, target.connectTo(), literal, done);
        this.kind = kind;
        this.check = check;
        this.target = target;
        this.tls = tls;
        this.started = System.nanoTime();
        this.request = ByteBuffer.wrap(request);
    }

    /** The bytes of the one request a probe of {@code target} sends. */
    static byte[] request(Target target) {
        return ("GET " + target.requestTarget() + " HTTP/1.1\r\n"
                + "Host: " + target.hostHeader() + "\r\n"
                + "User-Agent: svd-probe\r\n"
                + "Accept: */*\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    protected void connected() throws IOException {
        if (tls != null) {
            stage = Diagnosis.Stage.HANDSHAKING;
            engine = tls.engine(target.tlsName(), address.port());
            netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            engine.beginHandshake();
        } else {
            stage = Diagnosis.Stage.WAITING;
        }
        io();
    }

    @Override
    protected void io() throws IOException {
        if (engine != null && stage == Diagnosis.Stage.HANDSHAKING) {
            if (!handshake()) {
                return;
            }
            try {
                tls.checkSession(engine.getSession());
            } catch (java.security.cert.CertificateException e) {
                finish(failed(new SSLException(e.getMessage(), e)));
                return;
            }
            stage = Diagnosis.Stage.WAITING;
        }
        if (!sent) {
            if (!send()) {
                return;
            }
            sent = true;
        }
        if (engine == null) {
            receivePlain();
        } else {
            receiveTls();
        }
    }

    private boolean handshake() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    if (!wrap(EMPTY)) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrap()) {
                        return false;
                    }
                    if (engine.isInboundDone()) {
                        throw new EOFException("closed during the TLS handshake");
                    }
                }
                default -> {
                    return flush();
                }
            }
        }
    }

    private boolean send() throws IOException {
        if (engine == null) {
            channel.write(request);
            if (request.hasRemaining()) {
                interest(SelectionKey.OP_WRITE);
                return false;
            }
            return true;
        }
        while (request.hasRemaining()) {
            if (!wrap(request)) {
                return false;
            }
        }
        return flush();
    }

    private void receivePlain() throws IOException {
        while (true) {
            room();
            int n = channel.read(ByteBuffer.wrap(response, length, response.length - length));
            if (n < 0) {
                complete(true);
                return;
            }
            length += n;
            if (complete(false)) {
                return;
            }
            if (n == 0) {
                interest(SelectionKey.OP_READ);
                return;
            }
        }
    }

    private void receiveTls() throws IOException {
        while (!finished()) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                if (!wrap(EMPTY)) {
                    return;
                }
            } else if (engine.isInboundDone()) {
                complete(true);
            } else if (!unwrap()) {
                complete(false);
                return;
            } else {
                complete(false);
            }
        }
    }

    /**
     * Unwraps what has been read; reads more when the engine needs it. False when it must wait for
     * the socket (interest set). At the end of the stream, a handshake fails and an answer is complete.
     */
    private boolean unwrap() throws IOException {
        netIn.flip();
        if (!tlsRecordSeen && netIn.hasRemaining()) {
            if (!startsTlsRecord(netIn)) {
                throw new NotTls();
            }
            tlsRecordSeen = true;
        }
        SSLEngineResult r = engine.unwrap(netIn, appIn);
        netIn.compact();
        appIn.flip();
        room(appIn.remaining());
        int kept = Math.min(appIn.remaining(), response.length - length);
        appIn.get(response, length, kept);
        length += kept;
        appIn.clear();
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                if (!netIn.hasRemaining()) {
                    netIn = ByteBuffer.allocate(netIn.capacity() * 2).put(netIn.flip());
                }
                int n = channel.read(netIn);
                if (n < 0) {
                    if (stage == Diagnosis.Stage.HANDSHAKING) {
                        throw new EOFException("closed during the TLS handshake");
                    }
                    complete(true);
                    return false;
                }
                if (n == 0) {
                    interest(SelectionKey.OP_READ);
                    return false;
                }
                return true;
            }
            case BUFFER_OVERFLOW -> appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            default -> {
            }
        }
        return true;
    }

    /**
     * Whether the server's first bytes can begin a TLS record: a content type of 20..24
     * (change_cipher_spec, alert, handshake, application_data, heartbeat) and, once there, a major
     * version of 3 (RFC 8446 section 5.1, "TLSPlaintext"; RFC 5246 section 6.2.1). A plain-HTTP
     * server answers "HTTP/1.1 400 ..." (or its error page) instead, and the JDK reports that only
     * in an exception's wording, so the probe looks at the bytes itself.
     */
    static boolean startsTlsRecord(ByteBuffer in) {
        int type = in.get(in.position()) & 0xff;
        return type >= 20 && type <= 24 && (in.remaining() < 2 || in.get(in.position() + 1) == 3);
    }

    /** The server answered a TLS client hello with bytes that are not TLS (see {@link #startsTlsRecord}). */
    private static final class NotTls extends IOException {
        NotTls() {
            super("the answer to the TLS client hello is not TLS");
        }
    }

    /** Wraps from {@code source} once, after sending what is pending; false to wait for the socket. */
    private boolean wrap(ByteBuffer source) throws IOException {
        if (!flush()) {
            return false;
        }
        netOut.clear();
        SSLEngineResult r = engine.wrap(source, netOut);
        netOut.flip();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new EOFException("the TLS session was closed");
        }
        return flush();
    }

    private boolean flush() throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        if (netOut.hasRemaining()) {
            interest(SelectionKey.OP_WRITE);
            return false;
        }
        return true;
    }

    /**
     * The TLS handshake's delegated tasks (certificate checks among them) run here, on the probe
     * thread: they take about a millisecond, and a pool would cost threads for that.
     */
    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void room() {
        room(1024);
    }

    private void room(int needed) {
        if (response.length - length < needed && response.length < LIMIT) {
            response = Arrays.copyOf(response, Math.min(LIMIT, Math.max(response.length * 2, length + needed)));
        }
    }

    /** Finishes with the verdict on the answer if it is complete (or must be taken as it is); true then. */
    private boolean complete(boolean end) {
        try {
            Optional<HttpReply> reply = HttpReply.parse(response, length, end || length >= LIMIT);
            if (reply.isEmpty()) {
                return false;
            }
            finish(Diagnosis.reply(kind, check, target.hostHeader(), reply.get(),
                    Duration.ofNanos(System.nanoTime() - started)));
        } catch (HttpReply.Malformed e) {
            if (engine == null && length > 0 && (response[0] == 0x15 || response[0] == 0x16)) {
                finish(Verdict.fail(ProbeFailure.PROTOCOL, "not HTTP", address + " answered with TLS: use https://"));
            } else {
                finish(Diagnosis.closedEarly(address, e.getMessage(), engine != null));
            }
        }
        return true;
    }

    @Override
    protected Verdict failed(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsTrust.Problem p) {
                return Diagnosis.tls(address, p.getMessage());
            }
        }
        if (e instanceof EOFException) {
            return Diagnosis.closedEarly(address, e.getMessage(), engine != null);
        }
        if (e instanceof NotTls) {
            return Diagnosis.notTls(address);
        }
        if (e instanceof SSLException) {
            return Diagnosis.tlsHandshake(address, e.getMessage());
        }
        if (e instanceof IOException) {
            // A read or write on the connected socket failed: the JDK has no public type for ECONNRESET
            // or EPIPE (recv(2), send(2)), the ways a peer that drops the connection shows.
            return Diagnosis.closedEarly(address, "the connection was reset before an answer", engine != null);
        }
        return Diagnosis.connectFailed(address, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    @Override
    public Verdict timedOut(Duration timeout) {
        abort();
        return Diagnosis.timeout(stage, check.url().toString(), address, timeout);
    }
}
