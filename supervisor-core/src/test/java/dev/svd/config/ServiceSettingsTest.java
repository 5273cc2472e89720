package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    @Test
    void probeKeysAreShownEachWithItsLineOrDefault() throws Exception {
        ConfigFiles files = new ConfigFiles(dir);
        SupervisorSpec spec = files.load("""
                services.web {
                  command = [nginx]
                  ready {
                    http { url = "http://127.0.0.1:8081/healthz", host = "example.org" }
                    interval = 1s
                  }
                }
                """);
        String conf = dir.resolve("svd.conf").toString();

        Map<String, ServiceSettings.Setting> settings = byKey(spec.services().get("web"));

        assertThat(settings.get("ready")).isEqualTo(new ServiceSettings.Setting("ready", "http http://127.0.0.1:8081/healthz", conf + ":3"));
        assertThat(settings.get("ready.http.url")).isEqualTo(new ServiceSettings.Setting("ready.http.url",
                "\"http://127.0.0.1:8081/healthz\"", conf + ":4"));
        assertThat(settings.get("ready.http.host").value()).isEqualTo("\"example.org\"");
        assertThat(settings.get("ready.interval")).isEqualTo(new ServiceSettings.Setting("ready.interval", "1s", conf + ":5"));
        assertThat(settings.get("ready.http.expect")).isEqualTo(new ServiceSettings.Setting("ready.http.expect", "[\"200-399\"]", "default"));
        assertThat(settings.get("ready.timeout")).isEqualTo(new ServiceSettings.Setting("ready.timeout", "2s", "default"));
        assertThat(settings.get("ready.start-timeout")).isEqualTo(new ServiceSettings.Setting("ready.start-timeout", "60s", "default"));
        assertThat(settings).doesNotContainKeys("ready.start-period", "ready.tcp.address", "health.interval");
        assertThat(settings.get("health")).isEqualTo(new ServiceSettings.Setting("health", "-", "default"));
    }

    @Test
    void aProfileIsNamedOnlyForTheKeysItSets() throws Exception {
        ConfigFiles files = new ConfigFiles(dir);
        SupervisorSpec spec = files.load("""
                services {
                  web { command = [nginx], profile = nginx }
                  app { command = [gunicorn, "--pid", "/run/app.pid", "app:wsgi"], profile = gunicorn }
                  plain { command = [gunicorn], profile = gunicorn }
                }
                """);

        Map<String, ServiceSettings.Setting> web = byKey(spec.services().get("web"));
        Map<String, ServiceSettings.Setting> app = byKey(spec.services().get("app"));
        Map<String, ServiceSettings.Setting> plain = byKey(spec.services().get("plain"));

        assertThat(web.get("reload.check").from()).isEqualTo("profile nginx");
        assertThat(web.get("reload.failure-mark")).isEqualTo(new ServiceSettings.Setting("reload.failure-mark", "\"[emerg]\"", "profile nginx"));
        assertThat(web.get("reload.timeout").from()).isEqualTo("default");
        assertThat(web.get("pid-file")).isEqualTo(new ServiceSettings.Setting("pid-file", "-", "default"));
        assertThat(web.get("reopen-signal")).isEqualTo(new ServiceSettings.Setting("reopen-signal", "USR1", "profile nginx"));
        assertThat(app.get("pid-file")).isEqualTo(new ServiceSettings.Setting("pid-file", "/run/app.pid", "profile gunicorn"));
        assertThat(app.get("reload.failure-mark")).isEqualTo(new ServiceSettings.Setting("reload.failure-mark", "-", "default"));
        assertThat(app.get("stop.timeout")).isEqualTo(new ServiceSettings.Setting("stop.timeout", "30s", "profile gunicorn"));
        assertThat(plain.get("pid-file").from()).isEqualTo("default");
        assertThat(app.get("restart").from()).isEqualTo("default");
    }

    /**
     * Every key of docs/configuration.md's service table and probe table is shown (a key added to the
     * configuration without a line in {@code svctl show} fails here).
     */
    @Test
    void everyDocumentedServiceAndProbeKeyIsShown() throws Exception {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        List<String> serviceKeys = tableKeys(doc, "## `services { NAME { ... } }`");
        List<String> probeKeys = tableKeys(doc, "## `ready { ... }` and `health { ... }`");
        assertThat(serviceKeys).contains("command", "log.console", "start-limit.burst");
        assertThat(probeKeys).contains("http.url", "tcp.address", "exec.command", "start-period");
        ConfigFiles files = new ConfigFiles(dir);
        Path ca = files.write("ca.pem", "");
        SupervisorSpec spec = files.load("""
                services {
                  http { command = [nginx], environment { A = 1 }
                         ready { http { url = "https://127.0.0.1:8443/", tls { ca-file = "%s" } } }
                         health { exec { command = [nginx] } } }
                  tcp { command = [nginx], ready { tcp { address = "127.0.0.1:1" } }, health { tcp { address = "127.0.0.1:1" } } }
                  notified { command = [nginx], ready { notify = true }, watchdog = 10s }
                }
                """.formatted(ca));
        Set<String> shown = new HashSet<>();
        for (ServiceSpec s : spec.services().values()) {
            ServiceSettings.of(s).forEach(setting -> shown.add(setting.key()));
        }

        List<String> missing = new ArrayList<>();
        for (String key : serviceKeys) {
            if (!shown.contains(key) && !(key.equals("environment") && shown.contains("environment.A"))) {
                missing.add(key);
            }
        }
        for (String key : probeKeys) {
            if (!shown.contains("ready." + key) && !shown.contains("health." + key)) {
                missing.add("ready/health." + key);
            }
        }
        assertThat(missing).as("documented keys svctl show leaves out").isEmpty();
    }

    /** The first column of the markdown table after {@code heading}: "| `key` | ...". */
    private static List<String> tableKeys(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertThat(at).as(heading).isNotNegative();
        List<String> keys = new ArrayList<>();
        boolean inTable = false;
        for (String line : doc.substring(at).split("\n")) {
            if (line.startsWith("| `")) {
                inTable = true;
                keys.add(line.substring(3, line.indexOf('`', 3)));
            } else if (inTable && !line.startsWith("|")) {
                break;
            }
        }
        return keys;
    }

    private static Map<String, ServiceSettings.Setting> byKey(ServiceSpec spec) {
        return ServiceSettings.of(spec).stream()
                .collect(Collectors.toMap(ServiceSettings.Setting::key, Function.identity()));
    }
}
