package dev.svd.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Quartz and cron-utils each stay in one place (architecture.md): swapping either means rewriting
 * that place only. Reads svd's sources (the module's {@code src/main/java}, surefire's working directory).
 */
class LibraryConfinementTest {
    private static final Path SOURCES = Path.of("src/main/java");

    private static List<String> importing(String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import " + prefix)
                            || l.startsWith("import static " + prefix));
                } catch (IOException e) {
                    throw new IllegalStateException(f + ": " + e, e);
                }
            }).map(f -> SOURCES.relativize(f).toString()).sorted().toList();
        }
    }

    @Test
    void onlyTheQuartzAdapterImportsQuartz() throws IOException {
        assertThat(importing("org.quartz.")).containsExactlyInAnyOrder(
                "dev/svd/schedule/CronSchedule.java",
                "dev/svd/schedule/OnDemandThreadPool.java",
                "dev/svd/schedule/QuartzFactory.java",
                "dev/svd/schedule/QuartzTriggers.java");
    }

    @Test
    void onlyTheCronPackageImportsCronUtils() throws IOException {
        assertThat(importing("com.cronutils.")).allMatch(f -> f.startsWith("dev/svd/cron/")).isNotEmpty();
    }
}
