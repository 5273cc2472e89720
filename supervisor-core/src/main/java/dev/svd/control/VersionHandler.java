package dev.svd.control;

import dev.svd.protocol.JsonObject;
import dev.svd.protocol.Protocol;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code version}: svd's version, protocol version, pid and uptime. A second svd asks this to
 * name the pid of the one already running. The JVM's start time is read on the first request, not
 * at start-up: {@code java.lang.management} is some 45 classes that an idle svd otherwise never
 * needs (docs/benchmarks.md); the value is the same either way.
 */
final class VersionHandler implements RequestHandler {
    private final Clock clock;

    VersionHandler(Clock clock) {
        this.clock = clock;
    }

    private static final class Start {
        static final Instant AT = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        String version = VersionHandler.class.getPackage().getImplementationVersion();
        return JsonObject.builder()
                .put("version", version == null ? "dev" : version)
                .put("protocol", Protocol.VERSION)
                .put("pid", ProcessHandle.current().pid())
                .put("uptime_s", Math.max(0, Duration.between(Start.AT, clock.instant()).toSeconds()))
                .put("java", System.getProperty("java.version"))
                .build();
    }
}
