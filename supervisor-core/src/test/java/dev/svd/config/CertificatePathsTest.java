package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11, point 3: svd replaces only the links it made itself at cert/key. */
class CertificatePathsTest {
    @TempDir
    Path dir;

    private List<Path> targets() {
        return List.of(dir.resolve("state/certs/site/placeholder/fullchain.pem"), dir.resolve("le/live/site/fullchain.pem"));
    }

    @Test
    void nothingThereIsSvdsToCreate() {
        assertThat(CertificatePaths.holder(dir.resolve("fullchain.pem"), targets())).isEqualTo(CertificatePaths.Holder.NOTHING);
    }

    @Test
    void aRegularFileIsTheOperators() throws IOException {
        Path file = Files.writeString(dir.resolve("fullchain.pem"), "x");
        assertThat(CertificatePaths.holder(file, targets())).isEqualTo(CertificatePaths.Holder.OPERATOR);
        assertThat(CertificatePaths.svdMayReplace(file, targets())).isFalse();
    }

    @Test
    void aLinkToOneOfSvdsTargetsIsSvdsAbsoluteOrRelative() throws IOException {
        Path absolute = Files.createSymbolicLink(dir.resolve("a.pem"), dir.resolve("le/live/site/fullchain.pem"));
        Path relative = Files.createSymbolicLink(dir.resolve("r.pem"), Path.of("state/certs/site/../site/placeholder/fullchain.pem"));
        assertThat(CertificatePaths.holder(absolute, targets())).isEqualTo(CertificatePaths.Holder.SVD);
        assertThat(CertificatePaths.holder(relative, targets())).isEqualTo(CertificatePaths.Holder.SVD);
    }

    @Test
    void aLinkElsewhereIsTheOperatorsEvenWhenDangling() throws IOException {
        Path elsewhere = Files.createSymbolicLink(dir.resolve("e.pem"), dir.resolve("le/live/other/fullchain.pem"));
        assertThat(CertificatePaths.holder(elsewhere, targets())).isEqualTo(CertificatePaths.Holder.OPERATOR);
    }

    @Test
    void svdsTargetsArePlaceholderAndCertbotsLiveFiles() {
        CertificateSpec spec = new CertificateSpec("site", List.of("a.test"), dir, dir.resolve("c"), dir.resolve("k"), List.of(),
                java.net.URI.create("https://x/dir"), java.util.Optional.empty(),
                new CertificateSpec.CertbotDirs(dir.resolve("le"), dir.resolve("w"), dir.resolve("l")), java.util.Optional.empty(),
                "@daily", java.time.Duration.ZERO, new ProbeCheck.HostPort("127.0.0.1", 1), new ProbeCheck.HostPort("127.0.0.1", 2),
                14, Origin.UNKNOWN);
        assertThat(CertificatePaths.svdTargets(dir.resolve("state"), spec)).containsExactly(
                dir.resolve("state/certs/site/placeholder/fullchain.pem"), dir.resolve("state/certs/site/placeholder/privkey.pem"),
                dir.resolve("le/live/site/fullchain.pem"), dir.resolve("le/live/site/privkey.pem"));
    }
}
