package dev.svd.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The {@code depends-on} edges between services: a start order and the cycles that prevent one.
 * Built once from edges that name known services other than the service itself; immutable.
 * Linear in services and edges, and without recursion: a chain of thousands of services must not
 * take quadratic time or svd's 512 KiB thread stack (issue 12).
 */
final class DependencyGraph {
    private final List<String> names;
    private final Map<String, Integer> fileOrder = new HashMap<>();
    private final Comparator<String> byFileOrder = Comparator.comparing(fileOrder::get);
    private final Map<String, List<String>> dependsOn;

    /** @param dependsOn every service, in file order, with the services it depends on */
    DependencyGraph(Map<String, List<String>> dependsOn) {
        this.names = List.copyOf(dependsOn.keySet());
        this.dependsOn = Map.copyOf(dependsOn);
        for (int i = 0; i < names.size(); i++) {
            fileOrder.put(names.get(i), i);
        }
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
        PriorityQueue<String> ready = new PriorityQueue<>(byFileOrder);
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
        Set<String> done = new HashSet<>();
        for (String name : names) {
            visit(name, done, found);
        }
        List<List<String>> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparing(cycle -> fileOrder.get(cycle.get(0))));
        return sorted;
    }

    /** Depth-first from {@code root} with an explicit stack; {@code trail} is the current path. */
    private void visit(String root, Set<String> done, Set<List<String>> found) {
        if (done.contains(root)) {
            return;
        }
        List<String> trail = new ArrayList<>();
        Map<String, Integer> onTrail = new HashMap<>();
        Deque<Integer> nextEdge = new ArrayDeque<>();
        trail.add(root);
        onTrail.put(root, 0);
        nextEdge.push(0);
        while (!trail.isEmpty()) {
            String name = trail.get(trail.size() - 1);
            List<String> edges = dependsOn.get(name);
            int edge = nextEdge.pop();
            if (edge == edges.size()) {
                trail.remove(trail.size() - 1);
                onTrail.remove(name);
                done.add(name);
                continue;
            }
            nextEdge.push(edge + 1);
            String dependency = edges.get(edge);
            Integer seen = onTrail.get(dependency);
            if (seen != null) {
                found.add(closedFromFirst(trail.subList(seen, trail.size())));
            } else if (!done.contains(dependency)) {
                onTrail.put(dependency, trail.size());
                trail.add(dependency);
                nextEdge.push(0);
            }
        }
    }

    private List<String> closedFromFirst(List<String> cycle) {
        List<String> rotated = new ArrayList<>(cycle);
        String first = Collections.min(cycle, byFileOrder);
        Collections.rotate(rotated, -rotated.indexOf(first));
        rotated.add(first);
        return List.copyOf(rotated);
    }
}
