package dev.svd.health;

import dev.svd.config.ProbeCheck;
import dev.svd.text.Durations;
import java.time.Duration;
import java.util.function.Consumer;

/** A tcp probe: passes once the connection is accepted. Prober's thread only. */
final class TcpAttempt extends ConnectingAttempt {
    private final long started;

    TcpAttempt(ProbeIo io, ProbeCheck.Tcp check, java.net.InetAddress literal, Consumer<Verdict> done) {
        super(io, check.address(), literal, done);
        this.started = System.nanoTime();
    }

    @Override
    protected void connected() {
        finish(Verdict.pass("connected in " + Durations.human(Duration.ofNanos(System.nanoTime() - started))));
    }

    @Override
    protected void io() {
        // Never asked for: the probe ends on connect.
    }

    @Override
    protected Verdict failed(Exception e) {
        return Diagnosis.connectFailed(address, e.getMessage());
    }
}
