package dev.svd.config;

import java.util.List;

/** Every problem found in a configuration, reported together. Thrown only by the loader. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        StringBuilder b = new StringBuilder("configuration has ").append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (ConfigProblem p : problems) {
            b.append("\n  ").append(p);
        }
        return b.toString();
    }
}
