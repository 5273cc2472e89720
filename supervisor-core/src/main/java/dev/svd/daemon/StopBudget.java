package dev.svd.daemon;

import dev.svd.config.ServiceSpec;
import dev.svd.config.SupervisorSpec;
import dev.svd.text.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the ordered stop of everything can fit {@code svd.stop-budget}. Services stop in reverse
 * dependency order, each taking up to its {@code stop.timeout}, so the worst case is the heaviest
 * chain of dependents. docker stop waits 10 s before SIGKILL; a chain longer than the budget means
 * the last services may be killed mid-stop.
 */
final class StopBudget {
    private StopBudget() {}

    /** The most services the warning names one by one; a longer chain is summed up after them. */
    static final int NAMED = 8;

    /** A warning naming the chain, or empty when it fits. */
    static Optional<String> warning(SupervisorSpec config) {
        Map<String, Duration> worst = new HashMap<>();
        // The next service on each service's heaviest chain (one link each: linear in services,
        // where a copied list per service was quadratic for a long chain).
        Map<String, String> next = new HashMap<>();
        // In start order every dependency comes first: the worst stop time of a service is its own
        // stop timeout plus the worst of the services it depends on (those stop after it).
        for (String name : config.startOrder()) {
            ServiceSpec s = config.services().get(name);
            Duration best = Duration.ZERO;
            for (String dep : s.dependsOn()) {
                if (worst.getOrDefault(dep, Duration.ZERO).compareTo(best) > 0) {
                    best = worst.get(dep);
                    next.put(name, dep);
                }
            }
            worst.put(name, best.plus(s.stop().timeout()));
        }
        String heaviest = null;
        for (String name : worst.keySet()) {
            if (heaviest == null || worst.get(name).compareTo(worst.get(heaviest)) > 0) {
                heaviest = name;
            }
        }
        Duration budget = config.daemon().stopBudget();
        if (heaviest == null || worst.get(heaviest).compareTo(budget) <= 0) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder("warning: stopping may take up to ")
                .append(Durations.human(worst.get(heaviest))).append(", more than svd.stop-budget ")
                .append(Durations.human(budget)).append(": ");
        List<String> path = new ArrayList<>();
        for (String at = heaviest; at != null; at = next.get(at)) {
            path.add(at);
        }
        for (int i = 0; i < Math.min(path.size(), NAMED); i++) {
            ServiceSpec s = config.services().get(path.get(i));
            b.append(i == 0 ? "" : " then ").append(s.name()).append(" (stop.timeout ")
                    .append(Durations.human(s.stop().timeout())).append(')');
        }
        if (path.size() > NAMED) {
            b.append(" then ").append(path.size() - NAMED).append(" more services, down to ").append(path.get(path.size() - 1));
        }
        b.append("; lower those stop.timeout values or raise svd.stop-budget (and docker stop --time)");
        return Optional.of(b.toString());
    }
}
