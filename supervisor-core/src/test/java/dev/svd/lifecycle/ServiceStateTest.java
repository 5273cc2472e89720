package dev.svd.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table of legal moves on {@link ServiceState} is the one docs/lifecycle.md shows. */
class ServiceStateTest {
    private static final Path DOC = Path.of(System.getProperty("basedir", "."), "..", "docs", "lifecycle.md");

    @Test
    void canMoveToMatchesTheTableInTheDoc() throws IOException {
        List<List<String>> rows = legalMovesTable();
        List<String> targets = rows.get(0).subList(1, rows.get(0).size());
        assertThat(targets).containsExactly(labels(ServiceState.values()));
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(0)).containsExactly(labels(ServiceState.values()));

        for (List<String> row : rows.subList(1, rows.size())) {
            ServiceState from = ServiceState.valueOf(row.get(0).toUpperCase());
            for (int i = 0; i < targets.size(); i++) {
                ServiceState to = ServiceState.valueOf(targets.get(i).toUpperCase());
                boolean documented = row.get(i + 1).equals("x");
                assertThat(from.canMoveTo(to)).as("%s -> %s", from.label(), to.label()).isEqualTo(documented);
            }
        }
    }

    @Test
    void onlyStartingRunningAndStoppingHaveAProcess() {
        Set<ServiceState> withProcess = EnumSet.noneOf(ServiceState.class);
        for (ServiceState s : ServiceState.values()) {
            if (s.hasProcess()) {
                withProcess.add(s);
            }
        }

        assertThat(withProcess).containsExactlyInAnyOrder(ServiceState.STARTING, ServiceState.RUNNING,
                ServiceState.STOPPING);
    }

    @Test
    void labelsAreTheLowerCaseNamesOperatorsKnow() {
        assertThat(labels(ServiceState.values()))
                .containsExactly("stopped", "starting", "running", "backoff", "stopping", "exited", "failed");
    }

    private static String[] labels(ServiceState[] states) {
        String[] labels = new String[states.length];
        for (int i = 0; i < states.length; i++) {
            labels[i] = states[i].label();
        }
        return labels;
    }

    /** The markdown table after the heading "## Legal moves": header row, then one row per state. */
    private static List<List<String>> legalMovesTable() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int heading = lines.indexOf("## Legal moves");
        assertThat(heading).as("%s has a '## Legal moves' section", DOC).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(heading + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (!line.startsWith("|") || line.matches("\\|[-\\s|:]+\\|")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
                cells.add(cell.trim());
            }
            rows.add(cells);
        }
        return rows;
    }
}
