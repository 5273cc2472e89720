package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.lifecycle.ServiceSnapshot;
import dev.svd.lifecycle.ServiceState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the operator wants up, and the dependency graph that orders it: a service starts once all
 * it depends on runs and is ready, and stops once nothing running depends on it. Also holds the
 * removed services of a config update until they are down. Engine thread only.
 */
final class Goals {
    private final Set<String> wanted = new HashSet<>();
    private final Set<String> operatorStarts = new HashSet<>();
    private final Map<String, List<String>> dependsOn = new HashMap<>();
    /** {@link #dependsOn} reversed; null when it must be built anew (every change of dependsOn sets it so). */
    private Map<String, List<String>> dependents;
    private final Set<String> removals = new HashSet<>();
    private List<String> order;
    /** Set by every change of {@link #wanted}, taken by the engine's publish (docs/metrics.md, /readyz). */
    private boolean changed;

    Goals(SupervisorSpec config) {
        order = List.copyOf(config.startOrder());
        for (ServiceSpec s : config.services().values()) {
            dependsOn.put(s.name(), s.dependsOn());
        }
    }

    List<String> order() {
        return order;
    }

    boolean wanted(String name) {
        return wanted.contains(name);
    }

    /** The services wanted up now. */
    Set<String> wantedNames() {
        return Set.copyOf(wanted);
    }

    /** Whether what is wanted changed since the last call. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    boolean mustBeDown(String name) {
        return !wanted.contains(name) || removals.contains(name);
    }

    void wantAll(Collection<String> names) {
        changed |= wanted.addAll(names);
    }

    void wantNone() {
        changed |= !wanted.isEmpty();
        wanted.clear();
        operatorStarts.clear();
    }

    /** The operator starts {@code name}: it and everything it depends on become wanted. */
    void operatorStart(String name) {
        operatorStarts.add(name);
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            if (wanted.add(n)) {
                changed = true;
                todo.addAll(dependsOn.getOrDefault(n, List.of()));
            }
        }
    }

    /** True once, for a start the operator asked for; such a start also clears a failed state. */
    boolean takeOperatorStart(String name) {
        return operatorStarts.remove(name);
    }

    /** The operator stops {@code name}: it and everything that depends on it stop being wanted. */
    void operatorStop(String name) {
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            operatorStarts.remove(n);
            boolean was = wanted.remove(n);
            changed |= was;
            if (was || n.equals(name)) {
                todo.addAll(dependents(n));
            }
        }
    }

    boolean dependenciesUp(String name, Map<String, ServiceSnapshot> services) {
        for (String dep : dependsOn.getOrDefault(name, List.of())) {
            ServiceSnapshot s = services.get(dep);
            if (s == null || s.state() != ServiceState.RUNNING || !s.ready()) {
                return false;
            }
        }
        return true;
    }

    boolean dependentsDown(String name, Map<String, ServiceSnapshot> services) {
        for (String d : dependents(name)) {
            ServiceSnapshot s = services.get(d);
            if (s != null && (s.state().hasProcess() || s.state() == ServiceState.BACKOFF)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The services that depend on {@code name}. From a reverse map built once per change of the
     * dependencies: a reconcile pass asks for every service that must go down, and a scan of all
     * services for each made a stop of 2,000 services quadratic (docs/benchmarks.md, "Scale").
     */
    private List<String> dependents(String name) {
        if (dependents == null) {
            dependents = new HashMap<>();
            for (Map.Entry<String, List<String>> e : dependsOn.entrySet()) {
                for (String dep : e.getValue()) {
                    dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(e.getKey());
                }
            }
        }
        return dependents.getOrDefault(name, List.of());
    }

    /**
     * A new config: added services become wanted, removed ones wait to go down first; changed
     * ones take their new dependencies at once (the engine swaps their specs).
     */
    void update(SupervisorSpec next, ConfigChange change, boolean shuttingDown) {
        for (String name : change.added()) {
            dependsOn.put(name, next.services().get(name).dependsOn());
            dependents = null;
            if (!shuttingDown) {
                wanted.add(name);
            }
        }
        for (String name : change.changed()) {
            dependsOn.put(name, next.services().get(name).dependsOn());
            dependents = null;
        }
        for (String name : change.removed()) {
            removals.add(name);
            wanted.remove(name);
        }
        changed = true;
        List<String> all = new ArrayList<>(next.startOrder());
        all.addAll(change.removed());
        order = List.copyOf(all);
    }

    /**
     * Everything that depends on {@code name}, directly or not, each with the service it depends
     * on that leads there (nearest first): what stopping {@code name} stops too.
     */
    Map<String, String> dependentsOf(String name) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            for (String d : dependents(n)) {
                if (!d.equals(name) && out.putIfAbsent(d, n) == null) {
                    todo.add(d);
                }
            }
        }
        return out;
    }

    /**
     * Everything {@code name} depends on, directly or not, each with the service that depends on
     * it on the way (nearest first): what starting {@code name} starts too.
     */
    Map<String, String> dependenciesOf(String name) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            for (String d : dependsOn.getOrDefault(n, List.of())) {
                if (!d.equals(name) && out.putIfAbsent(d, n) == null) {
                    todo.add(d);
                }
            }
        }
        return out;
    }

    /** True once when {@code name} was removed by an update and may now be forgotten. */
    boolean takeRemoval(String name) {
        if (!removals.remove(name)) {
            return false;
        }
        dependsOn.remove(name);
        dependents = null;
        List<String> rest = new ArrayList<>(order);
        rest.remove(name);
        order = List.copyOf(rest);
        return true;
    }
}
