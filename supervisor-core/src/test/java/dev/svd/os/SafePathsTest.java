package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The rule for directories svd writes into (issue 12), without a file system. */
class SafePathsTest {
    private static final Path LOG = Path.of("/var/log/svd");

    @Test
    void theDirectoryItselfMustBeSvdsOrRootsAndWritableByNobodyElse() {
        assertThat(SafePaths.problem("svd.log-dir", LOG, LOG, true, 0, 0750, 0)).isNull();
        assertThat(SafePaths.problem("svd.log-dir", LOG, LOG, true, 1000, 0700, 1000)).as("svd's own user").isNull();
        assertThat(SafePaths.problem("svd.log-dir", LOG, LOG, true, 0, 0700, 1000)).as("root's, svd not root").isNull();
        assertThat(SafePaths.problem("svd.log-dir", LOG, LOG, true, 0, 0770, 0))
                .isEqualTo("svd.log-dir /var/log/svd is writable by other users (owner uid 0, mode 0770): they could plant"
                        + " links there that make svd overwrite other files; make it owned by root and writable by nobody"
                        + " else (chown 0 /var/log/svd; chmod go-w /var/log/svd)");
        assertThat(SafePaths.problem("svd.log-dir", LOG, LOG, true, 0, 01777, 0)).as("sticky is not enough").contains("mode 1777");
        assertThat(SafePaths.problem("svd.log-dir", LOG, LOG, true, 33, 0755, 0)).startsWith(
                "svd.log-dir /var/log/svd belongs to another user (owner uid 33, mode 0755)");
    }

    @Test
    void aDirectoryAboveMayBeWorldWritableOnlyWithTheStickyBit() {
        Path tmp = Path.of("/tmp");
        assertThat(SafePaths.problem("svd.log-dir", LOG, tmp, false, 0, 01777, 0)).isNull();
        assertThat(SafePaths.problem("svd.log-dir", LOG, tmp, false, 0, 0777, 0)).isEqualTo(
                "svd.log-dir /var/log/svd is inside /tmp, which is writable by other users (owner uid 0, mode 0777): they"
                        + " could replace the directory svd writes into; make it owned by root and writable by nobody else"
                        + " (chown 0 /tmp; chmod go-w /tmp)");
        assertThat(SafePaths.problem("svd.log-dir", LOG, tmp, false, 1000, 01777, 0)).as("sticky, another user's")
                .contains("belongs to another user");
    }
}
