package dev.svd.lifecycle;

import java.util.List;

/** The result of one event: the next snapshot and the effects to carry out, in order. */
public record Transition(ServiceSnapshot next, List<Effect> effects) {
    public Transition {
        effects = List.copyOf(effects);
    }

    /** True when the state changed, which the engine logs once with {@code next.reason()}. */
    public boolean changes(ServiceSnapshot before) {
        // a crash during starting spawns a new process: starting -> starting, a new generation
        return before.state() != next.state() || before.generation() != next.generation();
    }
}
