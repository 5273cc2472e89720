package dev.svd.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found while loading one configuration, collected so that all of them are reported
 * together. One per load, used by one thread.
 */
final class Problems {
    private static final Comparator<ConfigProblem> BY_PLACE =
            Comparator.comparing((ConfigProblem p) -> p.origin().file()).thenComparingInt(p -> p.origin().line());

    private final List<ConfigProblem> found = new ArrayList<>();

    void add(Origin origin, String key, String message) {
        found.add(new ConfigProblem(origin, key, message));
    }

    /** Throws one exception carrying every problem, sorted by file then line, if there is any. */
    void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            List<ConfigProblem> sorted = new ArrayList<>(found);
            sorted.sort(BY_PLACE);
            throw new ConfigException(sorted);
        }
    }
}
