package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code svctl show} says of each key: its value and whether the file, the profile or the default set it. */
class ServiceSettingsTest {
    @TempDir
    Path dir;

    @Test
    void eachKeyNamesTheLineThatSetItTheProfileOrTheDefault() throws Exception {
        ConfigFiles files = new ConfigFiles(dir);
        SupervisorSpec spec = files.load("""
                services.web {
                  command = [nginx, "-g", "daemon off;"]
                  profile = nginx
                  stop.timeout = 250ms
                  environment { B = "two words", A = 1 }
                  health { tcp { address = "127.0.0.1:8081" } }
                }
                """);
        String conf = dir.resolve("svd.conf").toString();

        Map<String, ServiceSettings.Setting> settings = ServiceSettings.of(spec.services().get("web")).stream()
                .collect(Collectors.toMap(ServiceSettings.Setting::key, Function.identity()));

        assertThat(settings.get("command")).isEqualTo(new ServiceSettings.Setting("command",
                "[\"nginx\", \"-g\", \"daemon off;\"]", conf + ":2"));
        assertThat(settings.get("stop.timeout")).isEqualTo(new ServiceSettings.Setting("stop.timeout", "250ms", conf + ":4"));
        assertThat(settings.get("stop.signal")).isEqualTo(new ServiceSettings.Setting("stop.signal", "QUIT", "profile nginx"));
        assertThat(settings.get("restart")).isEqualTo(new ServiceSettings.Setting("restart", "always", "default"));
        assertThat(settings.get("environment.A")).isEqualTo(new ServiceSettings.Setting("environment.A", "\"1\"", conf + ":5"));
        assertThat(settings.get("environment.B").value()).isEqualTo("\"two words\"");
        assertThat(settings.get("health")).isEqualTo(new ServiceSettings.Setting("health", "tcp 127.0.0.1:8081", conf + ":6"));
        assertThat(settings.get("ready")).isEqualTo(new ServiceSettings.Setting("ready", "-", "default"));
        assertThat(settings.get("directory")).isEqualTo(new ServiceSettings.Setting("directory", "-", "default"));
    }
}
