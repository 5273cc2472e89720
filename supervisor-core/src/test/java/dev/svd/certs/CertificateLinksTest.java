package dev.svd.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, point 3: svd switches its own links at cert/key and never replaces anything else there. */
class CertificateLinksTest {
    @TempDir
    Path dir;

    private List<Path> targets() {
        return List.of(dir.resolve("placeholder/fullchain.pem"), dir.resolve("live/fullchain.pem"));
    }

    @Test
    void issue11ARegularFileIsNeverReplaced() throws IOException {
        Path cert = Files.writeString(dir.resolve("fullchain.pem"), "the operator's certificate");
        Object inode = Files.readAttributes(cert, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");
        assertThatThrownBy(() -> CertificateLinks.point(cert, dir.resolve("live/fullchain.pem"), targets()))
                .isInstanceOf(IOException.class).hasMessage(cert + " is a file svd did not create; svd never replaces it");
        assertThat(Files.isSymbolicLink(cert)).isFalse();
        assertThat(Files.readString(cert)).isEqualTo("the operator's certificate");
        assertThat(Files.readAttributes(cert, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino")).isEqualTo(inode);
    }

    @Test
    void issue11SomeoneElsesLinkIsNeverReplaced() throws IOException {
        Path cert = Files.createSymbolicLink(dir.resolve("fullchain.pem"), dir.resolve("bought/site.pem"));
        assertThatThrownBy(() -> CertificateLinks.point(cert, dir.resolve("placeholder/fullchain.pem"), targets()))
                .isInstanceOf(IOException.class);
        assertThat(Files.readSymbolicLink(cert)).isEqualTo(dir.resolve("bought/site.pem"));
    }

    @Test
    void svdsOwnLinkIsSwitchedAndANewOneCreated() throws IOException {
        Path cert = dir.resolve("certs/fullchain.pem");
        CertificateLinks.point(cert, dir.resolve("placeholder/fullchain.pem"), targets());
        assertThat(Files.readSymbolicLink(cert)).isEqualTo(dir.resolve("placeholder/fullchain.pem"));
        CertificateLinks.point(cert, dir.resolve("live/fullchain.pem"), targets());
        assertThat(Files.readSymbolicLink(cert)).isEqualTo(dir.resolve("live/fullchain.pem"));
    }
}
