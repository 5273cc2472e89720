package dev.svd.daemon;

import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.text.Durations;

/** What {@code svd --check} prints for a valid config: the start order and each service's effective settings. */
final class CheckReport {
    private CheckReport() {}

    static String render(SupervisorSpec config) {
        StringBuilder b = new StringBuilder();
        b.append(config.file()).append(": ok, ").append(config.services().size())
                .append(config.services().size() == 1 ? " service\n" : " services\n");
        b.append("start order: ").append(String.join(", ", config.startOrder())).append('\n');
        for (String name : config.startOrder()) {
            ServiceSpec s = config.services().get(name);
            b.append("  ").append(name).append(": ").append(String.join(" ", s.command())).append('\n');
            b.append("    restart ").append(s.restart().configName())
                    .append(", stop SIG").append(s.stop().signal()).append(" then SIGKILL after ")
                    .append(Durations.human(s.stop().timeout()))
                    .append(", reload ").append(s.reload().check().isEmpty() ? ""
                            : "after `" + String.join(" ", s.reload().check()) + "` ")
                    .append("SIG").append(s.reload().signal())
                    .append(s.reload().confirm() == dev.svd.config.ReloadSpec.Confirm.WORKERS ? " (confirm: new workers)" : "")
                    .append(s.reload().failureMark().map(m -> " (fails on output \"" + m + "\")").orElse(""))
                    .append(", start-seconds ").append(Durations.human(s.startSeconds()));
            if (s.profile() != dev.svd.config.Profile.NONE) {
                b.append(", profile ").append(s.profile().configName());
            }
            s.reopenSignal().ifPresent(sig -> b.append(", reopen logs SIG").append(sig));
            s.pidFile().ifPresent(f -> b.append(", removes ").append(f).append(" before start"));
            if (s.essential()) {
                b.append(", essential");
            }
            if (s.onLeftover() == dev.svd.config.LeftoverPolicy.ADOPT) {
                b.append(", adopts leftovers");
            }
            if (!s.dependsOn().isEmpty()) {
                b.append(", after ").append(String.join(", ", s.dependsOn()));
            }
            b.append('\n');
        }
        StopBudget.warning(config).ifPresent(w -> b.append(w).append('\n'));
        return b.toString();
    }
}
