package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {
    private static DependencyGraph graph(String... nameThenDependencies) {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (String entry : nameThenDependencies) {
            String[] parts = entry.split(" ");
            edges.put(parts[0], List.of(parts).subList(1, parts.length));
        }
        return new DependencyGraph(edges);
    }

    @Test
    void independentServicesStartInFileOrder() {
        assertThat(graph("c", "a", "b").startOrder()).containsExactly("c", "a", "b");
    }

    @Test
    void dependenciesComeFirstAndTiesGoByFileOrder() {
        assertThat(graph("web db cache", "db", "cache", "worker db").startOrder())
                .containsExactly("db", "cache", "web", "worker");
    }

    @Test
    void servicesInAndBehindACycleAreLeftOutOfTheOrder() {
        DependencyGraph g = graph("free", "a b", "b a", "behind a");

        assertThat(g.startOrder()).containsExactly("free");
        assertThat(g.cycles()).containsExactly(List.of("a", "b", "a"));
    }

    @Test
    void eachCycleIsReportedOnce() {
        assertThat(graph("x y", "y z", "z x", "p q", "q p", "r x").cycles())
                .containsExactly(List.of("x", "y", "z", "x"), List.of("p", "q", "p"));
    }

    @Test
    void acyclicGraphHasNoCycles() {
        assertThat(graph("a b c", "b c", "c").cycles()).isEmpty();
    }
}
