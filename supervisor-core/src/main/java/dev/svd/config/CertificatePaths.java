package dev.svd.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Who made what is at a certificate's {@code cert} and {@code key} paths: nothing, svd, or someone else.
 * svd replaces only what it made itself: a symlink pointing at one of the four files svd points them at
 * (its placeholder in {@code state-dir/certs/NAME/placeholder/}, certbot's {@code live/NAME/}). Anything
 * else there, a regular file or someone else's symlink, is the operator's, and svd never replaces or deletes
 * it (docs/certificates.md, "Existing certificate files"; issue 11). The rule reads only the file system, so
 * it holds after svd's state directory was wiped. Pure apart from reading links; any thread.
 */
public final class CertificatePaths {
    /** A contract for the docs: what is at a {@code cert} or {@code key} path. */
    public enum Holder {
        /** Nothing (not even a dangling link): svd creates its link there. */
        NOTHING,
        /** A symlink svd made (it points at svd's placeholder or certbot's live files of this certificate). */
        SVD,
        /** A file or a link svd did not make: used as it is, never replaced or deleted. */
        OPERATOR
    }

    private CertificatePaths() {}

    /** Where svd keeps the placeholder of certificate {@code name}: {@code state-dir/certs/NAME/placeholder}. */
    public static Path placeholderDir(Path stateDir, String name) {
        return stateDir.resolve("certs").resolve(name).resolve("placeholder");
    }

    /** certbot's live file of the lineage ({@code fullchain.pem}, {@code privkey.pem}): symlinks into archive/. */
    public static Path live(CertificateSpec spec, String file) {
        return spec.certbotDirs().config().resolve("live").resolve(spec.name()).resolve(file);
    }

    /** The only targets of the links svd makes at {@code cert} and {@code key}. */
    public static List<Path> svdTargets(Path stateDir, CertificateSpec spec) {
        Path placeholder = placeholderDir(stateDir, spec.name());
        return List.of(placeholder.resolve("fullchain.pem"), placeholder.resolve("privkey.pem"),
                live(spec, "fullchain.pem"), live(spec, "privkey.pem"));
    }

    /** What is at {@code path} (not following a link there). */
    public static Holder holder(Path path, List<Path> svdTargets) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Holder.NOTHING;
        }
        if (!Files.isSymbolicLink(path)) {
            return Holder.OPERATOR;
        }
        try {
            Path target = Files.readSymbolicLink(path);
            Path absolute = path.toAbsolutePath().getParent().resolve(target).normalize();
            return svdTargets.stream().anyMatch(t -> t.toAbsolutePath().normalize().equals(absolute))
                    ? Holder.SVD : Holder.OPERATOR;
        } catch (IOException e) {
            return Holder.OPERATOR; // not readable as a link: certainly not one svd may replace
        }
    }

    /** Whether svd may create or replace what is at {@code path}. */
    public static boolean svdMayReplace(Path path, List<Path> svdTargets) {
        return holder(path, svdTargets) != Holder.OPERATOR;
    }
}
