package dev.svd.engine;

import dev.svd.config.Origin;
import dev.svd.config.ProbeSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Compares two configs service by service and says, for each changed service, which settings
 * differ and how they are applied (docs/svctl.md, update). Where a service or probe is declared
 * does not count as a change. Pure.
 */
final class ConfigDiff {
    /** Settings the running process was started with: only a restart applies them. */
    static final List<String> RESTART_KEYS = List.of("command", "directory", "environment", "environment-file", "user",
            "sockets", "sockets-env", "watchdog"); // watchdog: the process got its interval as WATCHDOG_USEC (docs/notify.md)
    /** The service's log file is opened once for svd's life (engine.LoggedOutputs). */
    static final List<String> SVD_RESTART_KEYS = List.of("log");

    private ConfigDiff() {}

    /** As {@link #between(SupervisorSpec, SupervisorSpec, Predicate)} with every service running. */
    static ConfigChange between(SupervisorSpec current, SupervisorSpec next) {
        return between(current, next, name -> true);
    }

    /** @param hasProcess whether a service has a process now (a service without one applies every change at its next start) */
    static ConfigChange between(SupervisorSpec current, SupervisorSpec next, Predicate<String> hasProcess) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<ServiceChange> changes = new ArrayList<>();
        for (ServiceSpec n : next.services().values()) {
            ServiceSpec c = current.services().get(n.name());
            if (c == null) {
                added.add(n.name());
                continue;
            }
            List<String> keys = changedKeys(c, n);
            if (keys.isEmpty()) {
                unchanged.add(n.name());
            } else {
                changed.add(n.name());
                changes.add(classify(n.name(), keys, hasProcess.test(n.name())));
            }
        }
        for (String name : current.services().keySet()) {
            if (!next.services().containsKey(name)) {
                removed.add(name);
            }
        }
        return new ConfigChange(added, removed, changed, unchanged, List.of(), changes);
    }

    static ConfigChange invalid(List<String> problems) {
        return new ConfigChange(List.of(), List.of(), List.of(), List.of(), problems, List.of());
    }

    private static ServiceChange classify(String name, List<String> keys, boolean hasProcess) {
        List<String> applied = keys.stream().filter(k -> !SVD_RESTART_KEYS.contains(k)).toList();
        List<String> pending = keys.stream().filter(SVD_RESTART_KEYS::contains).toList();
        ServiceChange.Action action;
        if (applied.isEmpty()) {
            action = ServiceChange.Action.NONE;
        } else if (!hasProcess) {
            action = ServiceChange.Action.AT_NEXT_START;
        } else if (applied.stream().anyMatch(RESTART_KEYS::contains)) {
            action = ServiceChange.Action.RESTART;
        } else {
            action = ServiceChange.Action.WITHOUT_RESTART;
        }
        return new ServiceChange(name, applied, pending, action, null);
    }

    /** The config keys (docs/configuration.md, in its order) whose values differ. */
    static List<String> changedKeys(ServiceSpec a, ServiceSpec b) {
        List<String> keys = new ArrayList<>();
        differs(keys, "command", a, b, ServiceSpec::command);
        differs(keys, "directory", a, b, ServiceSpec::directory);
        differs(keys, "environment", a, b, ServiceSpec::environment);
        differs(keys, "environment-file", a, b, ServiceSpec::environmentFile); // the list, not the files' content
        differs(keys, "user", a, b, ServiceSpec::user);
        differs(keys, "restart", a, b, ServiceSpec::restart);
        differs(keys, "stop", a, b, ServiceSpec::stop);
        differs(keys, "reload", a, b, ServiceSpec::reload);
        differs(keys, "depends-on", a, b, ServiceSpec::dependsOn);
        differs(keys, "start-seconds", a, b, ServiceSpec::startSeconds);
        differs(keys, "backoff", a, b, ServiceSpec::backoff);
        differs(keys, "start-limit", a, b, ServiceSpec::startLimit);
        differs(keys, "log", a, b, ServiceSpec::log);
        differs(keys, "ready", a, b, s -> placeless(s.ready()));
        differs(keys, "health", a, b, s -> placeless(s.health()));
        differs(keys, "profile", a, b, ServiceSpec::profile);
        differs(keys, "reopen-signal", a, b, ServiceSpec::reopenSignal);
        differs(keys, "pid-file", a, b, ServiceSpec::pidFile);
        differs(keys, "essential", a, b, ServiceSpec::essential);
        differs(keys, "on-leftover", a, b, ServiceSpec::onLeftover);
        differs(keys, "sockets", a, b, ConfigDiff::placelessSockets);
        differs(keys, "sockets-env", a, b, ServiceSpec::socketsEnv);
        differs(keys, "watchdog", a, b, ServiceSpec::watchdog);
        return keys;
    }

    /** Whether two specs declare the same sockets (where they are declared aside). */
    static boolean sameSockets(ServiceSpec a, ServiceSpec b) {
        return placelessSockets(a).equals(placelessSockets(b));
    }

    private static Object placelessSockets(ServiceSpec s) {
        return s.sockets().stream().map(dev.svd.config.SocketSpec::placeless).toList();
    }

    private static void differs(List<String> keys, String key, ServiceSpec a, ServiceSpec b,
                                Function<ServiceSpec, Object> value) {
        if (!Objects.equals(value.apply(a), value.apply(b))) {
            keys.add(key);
        }
    }

    /**
     * A probe's values without its origin: every record component but {@code origin}, read through
     * the record's public accessors, so that a component added later is compared too.
     */
    private static Optional<List<Object>> placeless(Optional<ProbeSpec> p) {
        return p.map(s -> {
            List<Object> values = new ArrayList<>();
            for (RecordComponent c : ProbeSpec.class.getRecordComponents()) {
                if (c.getType() != Origin.class) {
                    try {
                        values.add(c.getAccessor().invoke(s));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("a record accessor is public: " + c, e);
                    }
                }
            }
            return values;
        });
    }
}
