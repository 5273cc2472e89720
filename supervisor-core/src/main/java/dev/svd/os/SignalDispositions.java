package dev.svd.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps svd's children from inheriting ignored signals. A signal handler is reset to the default
 * at exec, but SIG_IGN is inherited (signal(7)). NuProcess sets SIGPIPE to SIG_IGN in the JVM, so on
 * JDK 17 every child would start with SIGPIPE ignored (java-platform-notes §1). Giving SIGPIPE a
 * handler instead keeps the JVM safe from it and lets children start with the default.
 */
final class SignalDispositions {
    private static final Logger log = LoggerFactory.getLogger(SignalDispositions.class);
    /** Signals 1-31; 32 and 33 belong to glibc's threads. */
    private static final long STANDARD_SIGNALS = 0x7fffffffL;

    private SignalDispositions() {}

    /** Call after NuProcess has initialised (it is what sets SIG_IGN). */
    static void restoreSigpipe() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("PIPE"), s -> { });
        } catch (IllegalArgumentException e) {
            log.debug("cannot handle SIGPIPE ({}); children get env --default-signal", e.getMessage());
        }
    }

    /** True when svd's process ignores no standard signal, so children start with default dispositions. */
    static boolean noneIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).trim(), 16) & STANDARD_SIGNALS) == 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("cannot read /proc/self/status: {}", e.toString());
        }
        return false;
    }
}
