package dev.svd.config;

import static dev.svd.config.CertificatePaths.Holder.NOTHING;
import static dev.svd.config.CertificatePaths.Holder.OPERATOR;
import static dev.svd.config.CertificatePaths.Holder.SVD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, point 3: what svd accepts as an operator's existing certificate and key. The pairs in
 * src/test/resources/existing-pair/ were made with openssl 3.0 (`openssl ca -selfsign -startdate -enddate`):
 * test-only keys for CN=shop.test, valid 2020-2126 (serials 5107AB EC, 5107AC RSA) and one expired 2020-02-01 (E1D).
 */
class ExistingPairTest {
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    /** Copies {@code existing-pair/NAME} into the test's directory. */
    static Path resource(Path dir, String name) throws IOException {
        try (InputStream in = ExistingPairTest.class.getResourceAsStream("/existing-pair/" + name)) {
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    private List<ExistingPair.Problem> check(String cert, String key, Instant now) throws IOException {
        return ExistingPair.check(resource(dir, cert), OPERATOR, resource(dir, key), OPERATOR, now);
    }

    @Test
    void aValidMatchingPairInEveryKeyFormIsAccepted() throws IOException {
        assertThat(check("valid-ec.pem", "valid-ec.key", NOW)).as("EC, PKCS#8").isEmpty();
        assertThat(check("valid-rsa.pem", "valid-rsa.pkcs1.key", NOW)).as("RSA, PKCS#1").isEmpty();
        assertThat(ExistingPair.check(dir.resolve("valid-ec.pem"), OPERATOR, resource(dir, "valid-ec.sec1.key"), OPERATOR,
                NOW)).as("EC, SEC1").isEmpty();
    }

    @Test
    void anExpiredCertificateIsRefusedAtCertWithItsSubjectSerialAndExpiry() throws IOException {
        List<ExistingPair.Problem> problems = check("expired.pem", "expired.key", NOW);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).key()).isEqualTo("cert");
        assertThat(problems.get(0).message()).startsWith(dir.resolve("expired.pem") + " is a certificate svd did not create"
                + " (subject O=Operator Test,CN=shop.test, serial E1D), and it expired at 2020-02-01T00:00:00Z; svd never"
                + " replaces or deletes a file it did not create");
    }

    @Test
    void aCertificateNotYetValidIsRefused() throws IOException {
        assertThat(check("valid-ec.pem", "valid-ec.key", Instant.parse("2019-06-01T00:00:00Z")))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("is not valid before 2020-01-01T00:00:00Z"));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtKey() throws IOException {
        assertThat(check("valid-ec.pem", "other-ec.key", NOW)).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("key");
            assertThat(p.message()).startsWith(dir.resolve("other-ec.key") + " is a file svd did not create, and it is not"
                    + " the private key of this certificate").contains("subject O=Operator Test,CN=shop.test, serial 5107AB");
        });
    }

    @Test
    void aKeyOfAnotherTypeIsRefused() throws IOException {
        resource(dir, "valid-ec.pem");
        assertThat(check("valid-rsa.pem", "valid-ec.key", NOW)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("cannot be read as a RSA key"));
        assertThat(ExistingPair.check(dir.resolve("valid-ec.pem"), OPERATOR, resource(dir, "valid-rsa.pkcs1.key"), OPERATOR,
                NOW)).singleElement().satisfies(p -> assertThat(p.message()).contains("RSA PRIVATE KEY, which is not the key of an EC certificate"
                        .replace("an EC", "a EC")));
    }

    @Test
    void garbageAndMissingFilesAreRefused() throws IOException {
        assertThat(check("garbage.pem", "valid-ec.key", NOW)).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("cert");
            assertThat(p.message()).contains("garbage.pem is a file svd did not create, and it holds no PEM certificate");
        });
        resource(dir, "valid-ec.pem");
        Path garbageKey = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThat(ExistingPair.check(dir.resolve("valid-ec.pem"), OPERATOR, garbageKey, OPERATOR, NOW)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("it holds no PEM private key"));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.pem"), dir.resolve("gone.pem"));
        assertThat(ExistingPair.check(dangling, OPERATOR, dir.resolve("valid-ec.key"), OPERATOR, NOW)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("it is a link to " + dir.resolve("gone.pem") + ", which does not exist"));
    }

    @Test
    void halfAPairIsRefusedAtTheMissingSide() throws IOException {
        Path cert = resource(dir, "valid-ec.pem");
        assertThat(ExistingPair.check(cert, OPERATOR, dir.resolve("privkey.pem"), NOTHING, NOW)).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("key");
            assertThat(p.message()).startsWith("cert " + cert + " is a file svd did not create, but " + dir.resolve("privkey.pem")
                    + " does not exist");
        });
        assertThat(ExistingPair.check(dir.resolve("fullchain.pem"), SVD, cert, OPERATOR, NOW)).singleElement()
                .satisfies(p -> assertThat(p.key()).isEqualTo("cert"));
    }

    @Test
    void pathsSvdManagesAreNotChecked() {
        assertThat(ExistingPair.check(dir.resolve("a"), NOTHING, dir.resolve("b"), SVD, NOW)).isEmpty();
    }

    /** Hostile input: a damaged key or certificate is a problem, never an exception, and never accepted. */
    @Test
    void damagedFilesAreProblemsNotExceptions() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] cert = Files.readAllBytes(resource(dir, "valid-ec.pem"));
        byte[] key = Files.readAllBytes(resource(dir, "valid-ec.key"));
        for (int i = 0; i < 300; i++) {
            boolean damageKey = random.nextBoolean();
            byte[] damaged = (damageKey ? key : cert).clone();
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            Path c = Files.write(dir.resolve("c.pem"), damageKey ? cert : damaged);
            Path k = Files.write(dir.resolve("k.pem"), damageKey ? damaged : key);
            List<ExistingPair.Problem> problems;
            try {
                problems = ExistingPair.check(c, OPERATOR, k, OPERATOR, NOW);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ", round " + i + ": threw " + e, e);
            }
            // a change in base64 padding, line ends or an ignored DER field may leave the pair intact; a damaged key
            // that still signs must still be the certificate's key, else it is refused
            for (ExistingPair.Problem p : problems) {
                assertThat(p.message()).as("seed " + seed).contains("svd never replaces or deletes a file it did not create");
            }
        }
    }
}
