package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys are the kebab-case spelling of the record components, one to one (STYLE.md, Config). */
class KeysMatchRecordsTest {
    private static List<String> kebabComponents(Class<? extends Record> type, Set<String> notKeys) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName())
                .filter(n -> !notKeys.contains(n))
                .map(n -> n.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT))
                .toList();
    }

    @Test
    void everyBlockHasExactlyTheKeysOfItsRecord() {
        assertThat(ConfigLoader.DAEMON_KEYS).isEqualTo(kebabComponents(DaemonSpec.class, Set.of()));
        assertThat(ServiceReader.KEYS).isEqualTo(kebabComponents(ServiceSpec.class, Set.of("name", "origin", "keyOrigins")));
        assertThat(ConfigLoader.CONTROL_KEYS).isEqualTo(kebabComponents(ControlSpec.class, Set.of()));
        assertThat(ServiceReader.STOP_KEYS).isEqualTo(kebabComponents(StopSpec.class, Set.of()));
        assertThat(ServiceReader.RELOAD_KEYS).isEqualTo(kebabComponents(ReloadSpec.class, Set.of()));
        assertThat(ServiceReader.BACKOFF_KEYS).isEqualTo(kebabComponents(BackoffSpec.class, Set.of()));
        assertThat(ServiceReader.START_LIMIT_KEYS).isEqualTo(kebabComponents(StartLimitSpec.class, Set.of()));
        assertThat(CertificateReader.KEYS).isEqualTo(kebabComponents(CertificateSpec.class, Set.of("name", "origin")));
        assertThat(CertificateReader.CERTBOT_DIRS_KEYS).isEqualTo(kebabComponents(CertificateSpec.CertbotDirs.class, Set.of()));
        assertThat(JobReader.KEYS).isEqualTo(kebabComponents(JobSpec.class, Set.of("name", "origin")));
        assertThat(ServiceReader.LOG_KEYS).isEqualTo(kebabComponents(LogSpec.class, Set.of()));
        assertThat(ProbeReader.TIMING_KEYS).isEqualTo(kebabComponents(ProbeSpec.class, Set.of("check", "origin")));
        assertThat(ProbeReader.HTTP_KEYS).isEqualTo(kebabComponents(ProbeCheck.Http.class, Set.of()));
        assertThat(ProbeReader.TLS_KEYS).isEqualTo(kebabComponents(ProbeCheck.Tls.class, Set.of()));
        assertThat(ProbeReader.TCP_KEYS).isEqualTo(kebabComponents(ProbeCheck.Tcp.class, Set.of()));
        assertThat(ProbeReader.EXEC_KEYS).isEqualTo(kebabComponents(ProbeCheck.Exec.class, Set.of()));
    }
}
