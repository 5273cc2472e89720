package dev.svd.control;

import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Protocol;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code version}: svd's version, protocol version, pid and uptime. A second svd asks this to
 * name the pid of the one already running.
 */
final class VersionHandler implements RequestHandler {
    private final Clock clock;
    private final Instant startedAt;

    VersionHandler(Clock clock) {
        this.clock = clock;
        this.startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        String version = VersionHandler.class.getPackage().getImplementationVersion();
        return JsonObject.builder()
                .put("version", version == null ? "dev" : version)
                .put("protocol", Protocol.VERSION)
                .put("pid", ProcessHandle.current().pid())
                .put("uptime_s", Math.max(0, Duration.between(startedAt, clock.instant()).toSeconds()))
                .put("java", System.getProperty("java.version"))
                .build();
    }
}
