package dev.svd.engine;

import java.util.List;

/**
 * What a config reload changes: services added, removed, changed, unchanged, and for each changed
 * one what differs and how it is applied ({@code changes}, in the order of {@code changed}); or the
 * problems that made the new config invalid, in which case nothing changes.
 */
public record ConfigChange(List<String> added, List<String> removed, List<String> changed,
                           List<String> unchanged, List<String> problems, List<ServiceChange> changes) {
    public ConfigChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
        problems = List.copyOf(problems);
        changes = List.copyOf(changes);
    }

    /** Without per-service details (every changed service counts as restarted), for tests and fakes. */
    public ConfigChange(List<String> added, List<String> removed, List<String> changed,
                        List<String> unchanged, List<String> problems) {
        this(added, removed, changed, unchanged, problems, changed.stream()
                .map(n -> new ServiceChange(n, List.of(), List.of(), ServiceChange.Action.RESTART, null)).toList());
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    ConfigChange withChanges(List<ServiceChange> c) {
        return new ConfigChange(added, removed, changed, unchanged, problems, c);
    }
}
