package dev.svd.engine;

import java.util.List;

/**
 * What a config reload changes: services added, removed, changed, unchanged; or the problems
 * that made the new config invalid, in which case nothing changes.
 */
public record ConfigChange(List<String> added, List<String> removed, List<String> changed,
                           List<String> unchanged, List<String> problems) {
    public ConfigChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
