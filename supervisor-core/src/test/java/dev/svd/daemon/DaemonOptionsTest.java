package dev.svd.daemon;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** svd's command line: --socket over SVD_SOCKET over the config's svd.socket. */
class DaemonOptionsTest {
    @Test
    void socketComesFromTheOptionThenTheEnvironmentThenTheConfig() throws Exception {
        assertThat(DaemonOptions.parse(new String[] {"--config", "a.conf", "--socket", "/run/x.sock"}, "/run/env.sock")
                .socket()).contains(Path.of("/run/x.sock"));
        assertThat(DaemonOptions.parse(new String[] {"--socket=/run/y.sock"}, "/run/env.sock").socket())
                .contains(Path.of("/run/y.sock"));
        assertThat(DaemonOptions.parse(new String[] {"--config", "a.conf"}, "/run/env.sock").socket())
                .contains(Path.of("/run/env.sock"));
        assertThat(DaemonOptions.parse(new String[] {"--config", "a.conf"}, " ").socket()).as("blank SVD_SOCKET").isEmpty();
        assertThat(DaemonOptions.parse(new String[] {"--config", "a.conf"}, null).socket()).isEmpty();
    }

    @Test
    void configDefaultsToEtcAndCheckTakesItsFile() throws Exception {
        assertThat(DaemonOptions.parse(new String[0], null).config()).isEqualTo(Path.of("/etc/svd/svd.conf"));
        DaemonOptions check = DaemonOptions.parse(new String[] {"--check", "b.conf"}, null);
        assertThat(check.checkOnly()).isTrue();
        assertThat(check.config()).isEqualTo(Path.of("b.conf"));
        assertThat(DaemonOptions.parse(new String[] {"--config=c.conf"}, null).config()).isEqualTo(Path.of("c.conf"));
    }

    @Test
    void aMissingValueOrAnUnknownArgumentIsAUsageError() {
        assertThatThrownBy(() -> DaemonOptions.parse(new String[] {"--socket"}, null))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessage("--socket needs a value");
        assertThatThrownBy(() -> DaemonOptions.parse(new String[] {"--sokcet", "x"}, null))
                .isInstanceOf(DaemonOptions.UsageException.class).hasMessage("unknown argument: --sokcet");
    }
}
