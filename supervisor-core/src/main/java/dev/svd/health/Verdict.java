package dev.svd.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** What one probe concluded, before the prober stamps it with latency and time. Immutable. */
record Verdict(boolean ok, String summary, String diagnosis, OptionalInt httpStatus, Optional<ProbeFailure> failure) {
    static Verdict pass(String summary) {
        return new Verdict(true, summary, "", OptionalInt.empty(), Optional.empty());
    }

    static Verdict fail(ProbeFailure failure, String summary, String diagnosis) {
        return new Verdict(false, summary, diagnosis, OptionalInt.empty(), Optional.of(failure));
    }

    ProbeResult at(Duration latency, Instant at) {
        return new ProbeResult(ok, summary, diagnosis, httpStatus, latency, at, failure);
    }
}
