package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** profile = nginx | gunicorn: the programs' own defaults, each overridable. */
class ProfileTest {
    private final ConfigFiles files;

    ProfileTest(@TempDir Path dir) {
        this.files = new ConfigFiles(dir);
    }

    @Test
    void nginxProfileStopsWithQuitAndReloadsAfterConfigTest() throws Exception {
        ServiceSpec nginx = files.load("""
                services.nginx { command = ["nginx", "-c", "/etc/x.conf", "-g", "daemon off;"], profile = nginx }
                """).services().get("nginx");
        assertThat(nginx.profile()).isEqualTo(Profile.NGINX);
        assertThat(nginx.stop()).isEqualTo(new StopSpec(Signal.QUIT, Duration.ofSeconds(10)));
        assertThat(nginx.reload().check()).containsExactly("nginx", "-t", "-c", "/etc/x.conf", "-g", "daemon off;");
        assertThat(nginx.reload().signal()).isEqualTo(Signal.HUP);
        assertThat(nginx.reload().confirm()).isEqualTo(ReloadSpec.Confirm.WORKERS);
        assertThat(nginx.reload().failureMark()).contains("[emerg]");
        assertThat(nginx.reopenSignal()).contains(Signal.USR1);
        assertThat(nginx.pidFile()).isEmpty();
    }

    @Test
    void gunicornProfileStopsWithTermAndRemovesItsPidFile() throws Exception {
        ServiceSpec g = files.load("""
                services.app {
                  command = ["gunicorn", "--workers", "3", "--pid", "run/g.pid", "baseball.wsgi:application"]
                  directory = "/tmp"
                  profile = gunicorn
                }
                """).services().get("app");
        assertThat(g.stop()).isEqualTo(new StopSpec(Signal.TERM, Duration.ofSeconds(30)));
        assertThat(g.reload().check()).startsWith("gunicorn", "--check-config", "--workers");
        assertThat(g.reload().failureMark()).isEmpty();
        assertThat(g.pidFile()).contains(Path.of("/tmp/run/g.pid"));
    }

    @Test
    void serviceKeysOverrideTheProfile() throws Exception {
        ServiceSpec nginx = files.load("""
                services.nginx {
                  command = ["nginx", "-g", "daemon off;"]
                  profile = nginx
                  stop { signal = TERM, timeout = 3s }
                  reload { confirm = none, check = [] }
                  reopen-signal = HUP
                  essential = true
                }
                """).services().get("nginx");
        assertThat(nginx.stop()).isEqualTo(new StopSpec(Signal.TERM, Duration.ofSeconds(3)));
        assertThat(nginx.reload().confirm()).isEqualTo(ReloadSpec.Confirm.NONE);
        assertThat(nginx.reload().check()).isEmpty();
        assertThat(nginx.reopenSignal()).contains(Signal.HUP);
        assertThat(nginx.essential()).isTrue();
    }

    @Test
    void failureMarkIsSetOrTurnedOffWithAnEmptyString() throws Exception {
        SupervisorSpec config = files.load("""
                services.nginx { command = ["nginx"], profile = nginx, reload.failure-mark = "" }
                services.app { command = ["nginx"], reload.failure-mark = "FATAL" }
                """);
        assertThat(config.services().get("nginx").reload().failureMark()).isEmpty();
        assertThat(config.services().get("app").reload().failureMark()).contains("FATAL");
    }

    @Test
    void failureMarkMustBeAString() {
        assertThat(files.problems("services.web { command = [nginx], reload.failure-mark = [emerg] }"))
                .singleElement().asString().contains("services.web.reload.failure-mark")
                .contains("expected a string such as \"[emerg]\"");
    }

    @Test
    void unknownProfileIsAProblemThatListsTheChoices() {
        assertThat(files.problems("services.web { command = [nginx], profile = apache }"))
                .singleElement().asString().contains("services.web.profile").contains("none, nginx, gunicorn");
    }

    @Test
    void reloadCheckProgramMustExist() {
        assertThat(files.problems("services.web { command = [nginx], reload.check = [\"no-such-check\", \"-t\"] }"))
                .singleElement().asString().contains("services.web.reload.check").contains("no-such-check");
    }

    @Test
    void withoutProfileNothingChanges() throws Exception {
        ServiceSpec web = files.load("services.web.command = [nginx]").services().get("web");
        assertThat(web.profile()).isEqualTo(Profile.NONE);
        assertThat(web.reload()).isEqualTo(ReloadSpec.DEFAULT);
        assertThat(web.reopenSignal()).isEqualTo(Optional.empty());
        assertThat(web.essential()).isFalse();
        assertThat(List.of(web.stop())).containsExactly(StopSpec.DEFAULT);
    }
}
