package dev.svd.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Points JNA at the native library the distribution ships unpacked ({@code lib/native/ARCH/}),
 * so that JNA does not unpack it from its jar into {@code ~/.cache/JNA} at every start (about
 * 20 ms of svd's start, and a write to the home directory). Without that directory (a build
 * run from the class path, another architecture) JNA unpacks as usual.
 */
public final class JnaSetup {
    /** JNA's directory names for the architectures Java reports in {@code os.arch}. */
    private static final Map<String, String> JNA_ARCH = Map.of("amd64", "linux-x86-64", "x86_64", "linux-x86-64",
            "aarch64", "linux-aarch64");

    private JnaSetup() {}

    /** Call before anything uses JNA; {@code svd.home} is set by the launcher. */
    public static void useShippedLibrary() {
        String home = System.getProperty("svd.home");
        String arch = JNA_ARCH.get(System.getProperty("os.arch"));
        if (home == null || arch == null || System.getProperty("jna.boot.library.path") != null) {
            return;
        }
        Path dir = Path.of(home, "lib", "native", arch);
        if (Files.isReadable(dir.resolve("libjnidispatch.so"))) {
            System.setProperty("jna.boot.library.path", dir.toString());
            System.setProperty("jna.nounpack", "true");
        }
    }
}
