package dev.svd.engine;

import dev.svd.lifecycle.ServiceState;
import java.time.Instant;

/** One state change of one service, with its reason: what {@code svctl events} shows. */
public record ServiceEvent(long seq, Instant at, String service, ServiceState from, ServiceState to, String reason) {
}
