package dev.svd.engine;

import java.util.List;

/**
 * How a config update changes one service: which settings differ (config keys, such as
 * {@code command} or {@code health}), how svd applies them, and, once {@code update} has waited for
 * a restart, how it went. Immutable.
 *
 * @param settings the changed keys that are applied, in the order of docs/configuration.md
 * @param pending  changed keys that are not applied until svd itself restarts ({@code log}: a
 *                 service's log file stays open for svd's life), else empty
 * @param result   the restart's outcome for {@link Action#RESTART} after {@code update}; else null
 */
public record ServiceChange(String service, List<String> settings, List<String> pending, Action action,
                            ActionResult result) {
    public ServiceChange {
        settings = List.copyOf(settings);
        pending = List.copyOf(pending);
    }

    /** How the new spec takes effect. The wire names ({@link #wireName()}) are a contract (docs/protocol.md). */
    public enum Action {
        /** The process is restarted with the new spec (command, directory, environment or user changed). */
        RESTART,
        /** The new spec is in effect without a restart (probes are re-watched; the rest is read when used). */
        WITHOUT_RESTART,
        /** The service has no process: it starts with the new spec next time. */
        AT_NEXT_START,
        /** Only settings that wait for svd's restart changed ({@link #pending}). */
        NONE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    ServiceChange withResult(ActionResult r) {
        return new ServiceChange(service, settings, pending, action, r);
    }
}
