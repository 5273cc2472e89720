package dev.svd.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The {@code depends-on} edges between services: a start order and the cycles that prevent one.
 * Built once from edges that name known services other than the service itself; immutable.
 */
final class DependencyGraph {
    private final List<String> names;
    private final Map<String, List<String>> dependsOn;

    /** @param dependsOn every service, in file order, with the services it depends on */
    DependencyGraph(Map<String, List<String>> dependsOn) {
        this.names = List.copyOf(dependsOn.keySet());
        this.dependsOn = Map.copyOf(dependsOn);
    }

    /**
     * Kahn's algorithm: each service after everything it depends on, ties broken by file order.
     * Services in or behind a cycle are left out; {@link #cycles()} names them.
     */
    List<String> startOrder() {
        Map<String, Integer> waitingFor = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (String name : names) {
            waitingFor.put(name, dependsOn.get(name).size());
            for (String dependency : dependsOn.get(name)) {
                dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(name);
            }
        }
        PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> names.indexOf(a) - names.indexOf(b));
        names.stream().filter(n -> waitingFor.get(n) == 0).forEach(ready::add);
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String next = ready.poll();
            order.add(next);
            for (String dependent : dependents.getOrDefault(next, List.of())) {
                if (waitingFor.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        return order;
    }

    /**
     * One cycle for every edge back into the depth-first search path, each written from its service
     * that comes first in the file and closed with it ({@code [a, b, c, a]}); in file order.
     */
    List<List<String>> cycles() {
        Set<List<String>> found = new LinkedHashSet<>();
        Set<String> done = new LinkedHashSet<>();
        for (String name : names) {
            visit(name, new ArrayList<>(), done, found);
        }
        List<List<String>> sorted = new ArrayList<>(found);
        sorted.sort((a, b) -> names.indexOf(a.get(0)) - names.indexOf(b.get(0)));
        return sorted;
    }

    private void visit(String name, List<String> trail, Set<String> done, Set<List<String>> found) {
        int seen = trail.indexOf(name);
        if (seen >= 0) {
            found.add(closedFromFirst(trail.subList(seen, trail.size())));
            return;
        }
        if (done.contains(name)) {
            return;
        }
        trail.add(name);
        for (String dependency : dependsOn.get(name)) {
            visit(dependency, trail, done, found);
        }
        trail.remove(trail.size() - 1);
        done.add(name);
    }

    private List<String> closedFromFirst(List<String> cycle) {
        List<String> rotated = new ArrayList<>(cycle);
        String first = Collections.min(cycle, (a, b) -> names.indexOf(a) - names.indexOf(b));
        Collections.rotate(rotated, -rotated.indexOf(first));
        rotated.add(first);
        return List.copyOf(rotated);
    }
}
