package dev.svd.certs;

import dev.svd.config.CertificatePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The paths svd owns ({@code cert}, {@code key}) as symlinks, switched by creating the new link beside the
 * old and renaming it over (rename(2) is atomic), so a reader sees the old file or the new one, never none.
 * Nothing is deleted before its replacement exists, and nothing svd did not create is replaced: a regular file
 * or someone else's link there stays as it is ({@link CertificatePaths}, issue 11). Blocking file operations.
 */
final class CertificateLinks {
    private CertificateLinks() {}

    /**
     * Points {@code link} at {@code target}; a no-op when it already does. Refuses, changing nothing, when
     * something svd did not create is at {@code link} (anything but a link to one of {@code svdTargets}).
     */
    static void point(Path link, Path target, List<Path> svdTargets) throws IOException {
        if (target(link).filter(target::equals).isPresent()) {
            return;
        }
        if (!CertificatePaths.svdMayReplace(link, svdTargets)) {
            throw new IOException(link + " is a file svd did not create; svd never replaces it");
        }
        Files.createDirectories(link.toAbsolutePath().getParent());
        Path temp = link.resolveSibling("." + link.getFileName() + ".svd-new");
        if (exists(temp) && !Files.isSymbolicLink(temp)) { // svd only ever makes a link by that name: a leftover of its own
            throw new IOException(temp + " is a file svd did not create; svd never replaces it");
        }
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, target);
        Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Where {@code link} points, or empty when it is not a symlink. */
    static Optional<Path> target(Path link) {
        try {
            return Files.isSymbolicLink(link) ? Optional.of(Files.readSymbolicLink(link)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
