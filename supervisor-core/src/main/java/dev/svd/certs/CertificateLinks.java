package dev.svd.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The paths svd owns ({@code cert}, {@code key}) as symlinks, switched by creating the new link beside the
 * old and renaming it over (rename(2) is atomic), so a reader sees the old file or the new one, never none.
 * Nothing is deleted before its replacement exists. Blocking file operations.
 */
final class CertificateLinks {
    private CertificateLinks() {}

    /** Points {@code link} at {@code target}; a no-op when it already does. */
    static void point(Path link, Path target) throws IOException {
        if (target(link).filter(target::equals).isPresent()) {
            return;
        }
        Files.createDirectories(link.toAbsolutePath().getParent());
        Path temp = link.resolveSibling("." + link.getFileName() + ".svd-new");
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
