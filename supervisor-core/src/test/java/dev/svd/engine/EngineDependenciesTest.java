package dev.svd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine depends on nothing that depends on it (docs/architecture.md, "Dependencies point inward"):
 * jobs reach the control server through {@code schedule.JobControl}, never through the engine's ports.
 * Reads svd's sources (the module's {@code src/main/java}, surefire's working directory).
 */
class EngineDependenciesTest {
    private static final Path ENGINE = Path.of("src/main/java/dev/svd/engine");

    @Test
    void theEngineImportsNoneOfItsCallers() throws IOException {
        List<String> found;
        try (Stream<Path> files = Files.walk(ENGINE)) {
            found = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream()
                            .filter(l -> l.startsWith("import dev.svd.schedule.") || l.startsWith("import dev.svd.control.")
                                    || l.startsWith("import dev.svd.certs.") || l.startsWith("import dev.svd.daemon."))
                            .map(l -> f.getFileName() + ": " + l);
                } catch (IOException e) {
                    throw new IllegalStateException(f + ": " + e, e);
                }
            }).toList();
        }
        assertThat(Files.isDirectory(ENGINE)).as(ENGINE.toAbsolutePath().toString()).isTrue();
        assertThat(found).isEmpty();
    }
}
