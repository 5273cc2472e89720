package dev.svd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.config.DaemonSpec;
import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.config.StopSpec;
import dev.svd.config.SupervisorSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StopBudgetTest {
    private static SupervisorSpec config(Duration budget, ServiceSpec... specs) {
        Map<String, ServiceSpec> map = new LinkedHashMap<>();
        for (ServiceSpec s : specs) {
            map.put(s.name(), s);
        }
        return new SupervisorSpec(Path.of("svd.conf"), new DaemonSpec(Path.of("s"), Path.of("l"), Path.of("t"), budget),
                map, List.copyOf(map.keySet()));
    }

    private static ServiceSpec svc(String name, int timeoutSeconds, String... deps) {
        return ServiceSpec.of(name, List.of("x")).withStop(new StopSpec(Signal.TERM, Duration.ofSeconds(timeoutSeconds)))
                .withDependsOn(List.of(deps));
    }

    @Test
    void gunicornsThirtySecondsAgainstDockersTenIsWarnedWithTheChain() {
        SupervisorSpec c = config(Duration.ofSeconds(9), svc("gunicorn", 30), svc("nginx", 10, "gunicorn"));
        assertThat(StopBudget.warning(c)).hasValue("warning: stopping may take up to 40s, more than svd.stop-budget 9s:"
                + " nginx (stop.timeout 10s) then gunicorn (stop.timeout 30s); lower those stop.timeout values or"
                + " raise svd.stop-budget (and docker stop --time)");
    }

    @Test
    void independentServicesStopInParallelSoOnlyTheLongestCounts() {
        SupervisorSpec c = config(Duration.ofSeconds(9), svc("a", 5), svc("b", 8), svc("c", 3));
        assertThat(StopBudget.warning(c)).isEmpty();
    }

    @Test
    void heaviestBranchIsNamed() {
        SupervisorSpec c = config(Duration.ofSeconds(9), svc("db", 4), svc("cache", 1), svc("app", 3, "db", "cache"),
                svc("web", 3, "app"));
        assertThat(StopBudget.warning(c)).get().asString().contains("up to 10s")
                .contains("web (stop.timeout 3s) then app (stop.timeout 3s) then db (stop.timeout 4s)");
    }

    @Test
    void aLongChainNamesItsFirstEightServicesAndCountsTheRest() {
        ServiceSpec[] chain = new ServiceSpec[20];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = i == 0 ? svc("s0", 1) : svc("s" + i, 1, "s" + (i - 1));
        }
        SupervisorSpec c = config(Duration.ofSeconds(9), chain);
        assertThat(StopBudget.warning(c)).get().asString().contains("up to 20s")
                .contains("s19 (stop.timeout 1s) then s18").contains("then s12 (stop.timeout 1s) then 12 more services, down to s0;")
                .doesNotContain("s11 (");
    }
}
