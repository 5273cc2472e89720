package dev.svd.certs;

import dev.svd.config.CertificateSpec;
import dev.svd.os.CommandRunner;
import dev.svd.os.SpawnRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The self-signed certificate svd serves before the real one exists, so that {@code nginx -t}
 * passes on first boot (field notes, problem 1). Short-lived and marked "svd placeholder" in its
 * subject, so no one mistakes it for a real one. Made by openssl(1) as svd's child.
 */
final class Placeholder {
    /** The subject's O=, by which svd (and operators, in {@code openssl x509 -subject}) recognise a placeholder. */
    static final String ORGANIZATION = "svd placeholder";
    static final int DAYS = 7;

    private Placeholder() {}

    /** openssl's arguments for a P-256 key and a self-signed certificate naming every domain. */
    static List<String> command(List<String> domains, Path cert, Path key) {
        List<String> argv = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", Integer.toString(DAYS),
                "-subj", "/O=" + ORGANIZATION + "/CN=" + domains.get(0),
                "-addext", "subjectAltName=" + domains.stream().map(d -> "DNS:" + d).collect(Collectors.joining(",")),
                "-keyout", key.toString(), "-out", cert.toString()));
        return argv;
    }

    static SpawnRequest request(String name, List<String> domains, Path cert, Path key) {
        return new SpawnRequest("certificate " + name + " (openssl)", command(domains, cert, key), Optional.empty(),
                Map.of(), Optional.empty());
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Makes a placeholder in {@code dir} (new files first, renamed over the old ones) and points the spec's
     * cert/key at it (unless something svd did not create is there: then it fails, changing neither); answers
     * the certificate made.
     */
    static CertificateFile make(CertificateSpec spec, Path dir, List<Path> svdTargets, CertificateKeeper.Commands commands)
            throws CertificateException, IOException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        Path newCert = dir.resolve("fullchain.pem.new");
        Path newKey = dir.resolve("privkey.pem.new");
        // openssl opens its output files through links: remove whatever a crash (or anyone) left there (issue 12).
        Files.deleteIfExists(newCert);
        Files.deleteIfExists(newKey);
        check(CertificateKeeper.await(commands.run(request(spec.name(), spec.domains(), newCert, newKey), TIMEOUT), TIMEOUT));
        Files.setPosixFilePermissions(newKey, PosixFilePermissions.fromString("rw-------"));
        Files.move(newKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(newCert, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (Path own : List.of(spec.key(), spec.cert())) {
            if (!dev.svd.config.CertificatePaths.svdMayReplace(own, svdTargets)) {
                throw new CertificateException(own + " is a file svd did not create; svd never replaces it");
            }
        }
        CertificateLinks.point(spec.key(), key, svdTargets);
        CertificateLinks.point(spec.cert(), cert, svdTargets);
        return CertificateFile.read(cert).orElseThrow(() -> new CertificateException("openssl made no " + cert));
    }

    /** Removes a placeholder once the real certificate is served. */
    static void remove(Path dir) throws IOException {
        for (String f : List.of("fullchain.pem", "privkey.pem")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        if (Files.isDirectory(dir)) {
            Files.deleteIfExists(dir);
        }
    }

    /** Fails with openssl's output when it could not make the files. */
    static void check(CommandRunner.Result r) throws CertificateException {
        if (!r.ok()) {
            throw new CertificateException("openssl could not make a placeholder certificate: " + r.describe()
                    + (r.output().isBlank() ? "" : ": " + r.output().strip()));
        }
    }
}
