package dev.svd.engine;

import dev.svd.config.SupervisorSpec;
import dev.svd.health.ProbeCounter;
import dev.svd.health.ProbeKind;
import dev.svd.health.ProbeResult;
import dev.svd.lifecycle.Event;
import dev.svd.lifecycle.Health;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probe results to readiness, liveness and health: a result the {@link Probes} watch reports for a
 * process becomes its snapshot's health, a {@code ReadyPassed} or {@code HealthFailed} lifecycle event,
 * and a health event. Owned by {@link Engine}; engine thread only (the engine offers each result to its
 * inbox and calls {@link #probed} from there).
 */
final class ProbeRouting {
    private static final Logger log = LoggerFactory.getLogger(Engine.class); // the engine's log lines, as before
    /**
     * The zone of the "at HH:mm:ss" of each result, svd's as DateTimeFormatter's withZone(systemDefault())
     * took it once. The time is written by {@link #clock} rather than by a DateTimeFormatter: it runs on
     * every result, interpreted in an idle svd (docs/benchmarks.md, "Probes at idle").
     */
    private static final ZoneRules ZONE = ZoneId.systemDefault().getRules();

    /** Adds a service event (with the engine's next sequence number and the time now). */
    interface Announce {
        void add(String service, ServiceState from, ServiceState to, String reason);
    }

    private final Map<String, ServiceSnapshot> services;
    private final Probes probes;
    private final Supplier<SupervisorSpec> config;
    private final BiConsumer<String, Event> apply;
    private final Runnable dirty;
    private final Announce announce;

    /**
     * @param services the engine's service states, which this updates in place
     * @param apply    applies a lifecycle event to a service
     * @param dirty    marks the services as changed since the last publish
     */
    ProbeRouting(Map<String, ServiceSnapshot> services, Probes probes, Supplier<SupervisorSpec> config,
                 BiConsumer<String, Event> apply, Runnable dirty, Announce announce) {
        this.services = services;
        this.probes = probes;
        this.config = config;
        this.apply = apply;
        this.dirty = dirty;
        this.announce = announce;
    }

    /** A probe result for the process {@code pid} of {@code name}: health, readiness, liveness. */
    void probed(String name, int pid, ProbeKind kind, ProbeResult result) {
        ServiceSnapshot s = services.get(name);
        Optional<ProbeCounter> counter = probes.counter(name, pid, kind);
        if (s == null || s.pid() != pid || counter.isEmpty()) {
            return; // for a process that is gone, or a probe since cancelled
        }
        String detail = HealthText.detail(result, config.get().services().get(name), services);
        Optional<Health> changed = counter.get().record(result.ok(), result.at());
        Health health = s.health();
        boolean judgesHealth = kind == ProbeKind.HEALTH || !probes.hasHealthProbe(name);
        if (changed.isPresent() && judgesHealth) {
            health = changed.get();
        }
        // the snapshot's last result carries its time too (svctl status NAME); reasons do not
        String probe = detail + " at " + clock(result.at(), ZONE);
        if (health != s.health() || !probe.equals(s.probe())) { // the only fields withProbe sets
            services.put(name, s.withProbe(health, probe));
            dirty.run();
        }
        boolean nowReady = kind == ProbeKind.READY && changed.orElse(null) == Health.HEALTHY;
        if (nowReady) {
            probes.readyDone(name);
            apply.accept(name, new Event.ReadyPassed(pid)); // before the health event, whose snapshot then shows it ready
        }
        if (health != s.health()) {
            log.info("{}: health {} -> {} ({})", name, s.health().label(), health.label(), detail);
            announce.add(name, s.state(), s.state(),
                    "health " + s.health().label() + " -> " + health.label() + ": " + detail);
        }
        if (nowReady) {
            log.info("{}: ready ({})", name, detail);
        } else if (kind == ProbeKind.HEALTH && changed.orElse(null) == Health.UNHEALTHY) {
            apply.accept(name, new Event.HealthFailed(pid, detail));
        }
    }

    /** {@code at} in {@code zone} as "HH:mm:ss" (DateTimeFormatter's pattern "HH:mm:ss"). */
    static String clock(Instant at, ZoneRules zone) {
        int second = (int) Math.floorMod(at.getEpochSecond() + zone.getOffset(at).getTotalSeconds(), 86_400L);
        char[] c = {'0', '0', ':', '0', '0', ':', '0', '0'};
        two(c, 0, second / 3600);
        two(c, 3, second / 60 % 60);
        two(c, 6, second % 60);
        return new String(c);
    }

    private static void two(char[] c, int at, int value) {
        c[at] = (char) ('0' + value / 10);
        c[at + 1] = (char) ('0' + value % 10);
    }
}
