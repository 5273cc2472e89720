package dev.svd.os;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Points JNA at the native library the distribution ships unpacked ({@code lib/native/ARCH/}),
 * so that JNA does not unpack it from its jar into {@code ~/.cache/JNA} at every start (about
 * 20 ms of svd's start, and a write to the home directory). Without that directory (a build
 * run from the class path, another architecture) JNA unpacks as usual.
 *
 * <p>svd maps a private copy of that library, not the shipped file: writing over the shipped file
 * in place while svd runs (a rebuild of the distribution, {@code cp} or {@code unzip -o} over an
 * installed svd) would otherwise reset the library's data page in svd's memory, and svd's next
 * JNA call would crash the JVM (docs/decisions/0004-jvm-platform-facts.md, section 8). The copy
 * goes to a fresh owner-only directory under {@code java.io.tmpdir} and is deleted as soon as JNA
 * has loaded it, so no path leads to it any more. Where the copy cannot be made or loaded (no
 * writable temporary directory, a {@code noexec} one), JNA loads the shipped file as before.
 */
public final class JnaSetup {
    /** JNA's directory names for the architectures Java reports in {@code os.arch}. */
    private static final Map<String, String> JNA_ARCH = Map.of("amd64", "linux-x86-64", "x86_64", "linux-x86-64",
            "aarch64", "linux-aarch64");
    private static final String LIBRARY = "libjnidispatch.so";

    private JnaSetup() {}

    /** Call before anything uses JNA; {@code svd.home} is set by the launcher. Loads JNA's library. */
    public static void useShippedLibrary() {
        String home = System.getProperty("svd.home");
        String arch = JNA_ARCH.get(System.getProperty("os.arch"));
        if (home == null || arch == null || System.getProperty("jna.boot.library.path") != null) {
            return;
        }
        Path dir = Path.of(home, "lib", "native", arch);
        Path shipped = dir.resolve(LIBRARY);
        if (!Files.isReadable(shipped)) {
            return;
        }
        Path copyDir = privateCopy(shipped);
        // JNA tries the directories in order and goes on to the next when a load fails.
        System.setProperty("jna.boot.library.path",
                copyDir == null ? dir.toString() : copyDir + File.pathSeparator + dir);
        System.setProperty("jna.nounpack", "true");
        if (copyDir != null) {
            try {
                Class.forName("com.sun.jna.Native", true, JnaSetup.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // Where svd first uses JNA, a JDK 17 only says "Could not initialize class": the reason is here.
                System.err.println("svd: cannot load JNA's native library: " + e);
            } finally {
                deleteQuietly(copyDir.resolve(LIBRARY));
                deleteQuietly(copyDir);
            }
        }
    }

    /** A new owner-only directory holding a copy of {@code shipped}, or null when none can be made. */
    private static Path privateCopy(Path shipped) {
        Path copyDir = null;
        try {
            copyDir = Files.createTempDirectory("svd-jna-");
            Files.copy(shipped, copyDir.resolve(LIBRARY));
            return copyDir;
        } catch (IOException | RuntimeException e) {
            if (copyDir != null) {
                deleteQuietly(copyDir.resolve(LIBRARY));
                deleteQuietly(copyDir);
            }
            return null;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover in the temporary directory; nothing depends on it
        }
    }
}
