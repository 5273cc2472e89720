package dev.svd.config;

import java.util.Optional;

/**
 * The {@code control { ... }} block: who may use svd's socket besides root and svd's own user.
 *
 * @param readOnlyGroup members of this group may read status, logs, events and jobs
 */
public record ControlSpec(Optional<String> readOnlyGroup) {
    public static final ControlSpec DEFAULT = new ControlSpec(Optional.empty());
}
