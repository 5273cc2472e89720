package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DependencyProblemsTest {
    private final Path dir;
    private final ConfigFiles files;

    DependencyProblemsTest(@TempDir Path dir) {
        this.dir = dir;
        this.files = new ConfigFiles(dir);
    }

    @Test
    void unknownDependencySuggestsTheClosestService() {
        assertThat(files.problems("""
                services {
                  gunicorn.command = [gunicorn]
                  nginx { command = [nginx], depends-on = [gunicron, redis] }
                }
                """)).containsExactly(
                files.at(3) + "services.nginx.depends-on: no service \"gunicron\" (did you mean \"gunicorn\"?)",
                files.at(3) + "services.nginx.depends-on: no service \"redis\"");
    }

    @Test
    void serviceDependingOnItself() {
        assertThat(files.problems("services.web { command = [nginx], depends-on = [web] }\n"))
                .containsExactly(files.at(1) + "services.web.depends-on: a service cannot depend on itself");
    }

    @Test
    void dependencyListedTwice() {
        assertThat(files.problems("services { a.command = [nginx], b { command = [nginx], depends-on = [a, a] } }\n"))
                .containsExactly(files.at(1) + "services.b.depends-on: lists \"a\" twice");
    }

    @Test
    void cycleIsNamedWholeFromItsFirstService() {
        assertThat(files.problems("""
                services {
                  ok.command = [nginx]
                  b { command = [nginx], depends-on = [c] }
                  a { command = [nginx], depends-on = [ok, b] }
                  c { command = [nginx], depends-on = [a] }
                }
                """)).containsExactly(files.at(3) + "services.b.depends-on: dependency cycle: b -> c -> a -> b");
    }
}
