package dev.svd.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of one probe. Immutable; any thread.
 *
 * @param ok         whether the check passed
 * @param summary    a few words for tables: "200 in 3ms", "connection refused", "timeout after 2s"
 * @param diagnosis  for a failure, the likely cause in the operator's words, such as "nothing listens on
 *                   127.0.0.1:8000: is the service bound to that address?"; empty when ok
 * @param httpStatus the status of an http probe that got an answer, so that the engine can name the
 *                   dependency behind a 502
 * @param latency    from the start of the probe to its result
 * @param at         when the result was known
 * @param failure    for a failure, its class (for metrics); empty when ok
 */
public record ProbeResult(boolean ok, String summary, String diagnosis, OptionalInt httpStatus, Duration latency,
                          Instant at, Optional<ProbeFailure> failure) {
    /** "200 in 3ms" or "503 in 2ms: returns 503: ...", for log lines and restart reasons. */
    public String describe() {
        return diagnosis.isEmpty() ? summary : summary + ": " + diagnosis;
    }
}
