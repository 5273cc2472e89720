package dev.svd.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.svd.config.ProbeCheck;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an https probe's client reads before its first handshake: with {@code tls.verify = false} (curl -k)
 * no CA at all, neither {@code ca-file} nor the JDK's, which stayed in svd's heap for nothing; with
 * verification, both.
 */
class TlsTrustTest {
    @TempDir
    Path dir;

    @Test
    void withoutVerificationNoCaIsRead() throws Exception {
        Path gone = dir.resolve("ca.pem"); // checked readable when the config was read, deleted since
        TlsTrust.Client client = TlsTrust.client(new ProbeCheck.Tls(false, Optional.of(gone), Optional.empty()),
                "totheballpark.test", "ready", Clock.systemUTC());

        assertThat(client.trust()).as("nothing is checked").isNull();
        assertThat(client.engine("totheballpark.test", 8443).getUseClientMode()).isTrue();
    }

    @Test
    void withVerificationTheCaFileIsRead() {
        Path gone = dir.resolve("ca.pem");
        assertThatThrownBy(() -> TlsTrust.client(new ProbeCheck.Tls(true, Optional.of(gone), Optional.empty()),
                "totheballpark.test", "ready", Clock.systemUTC()))
                .isInstanceOf(NoSuchFileException.class);
    }
}
