package dev.svd.daemon;

import dev.svd.engine.ConfigControl;
import dev.svd.engine.ShutdownControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns the signals svd receives into engine requests: TERM and INT stop everything in order and
 * exit, HUP reloads the config like {@code svctl update}, USR1 reopens log files. Handling TERM, INT
 * and HUP replaces the JVM's own exit-on-signal, so the ordered stop runs first (docs/decisions/0004 §1).
 * QUIT stays the JVM's thread dump. USR2 is ignored when the launcher has moved HotSpot's
 * suspend/resume signal off it, else left to the JVM.
 */
final class SignalBridge {
    private static final Logger log = LoggerFactory.getLogger(SignalBridge.class);

    private SignalBridge() {}

    static void install(ConfigControl config, ShutdownControl shutdown, Runnable reopenLogs) {
        Signal.handle(new Signal("TERM"), s -> stop(shutdown, "SIGTERM"));
        Signal.handle(new Signal("INT"), s -> stop(shutdown, "SIGINT"));
        Signal.handle(new Signal("HUP"), s -> {
            log.info("SIGHUP: reloading the configuration");
            config.update().thenAccept(change -> {
                if (!change.valid()) {
                    log.error("SIGHUP: configuration rejected, nothing changed:\n  {}",
                            String.join("\n  ", change.problems()));
                }
            });
        });
        Signal.handle(new Signal("USR1"), s -> {
            log.info("SIGUSR1: reopening log files");
            reopenLogs.run();
        });
        if (usr2IsFree()) {
            Signal.handle(new Signal("USR2"), s -> log.warn("SIGUSR2 ignored: svd gives it no meaning"));
        }
    }

    /** The launcher moves HotSpot's suspend/resume signal off USR2 (_JAVA_SR_SIGNUM); only then may svd take it. */
    private static boolean usr2IsFree() {
        String sr = System.getenv("_JAVA_SR_SIGNUM");
        return sr != null && !sr.isBlank() && !sr.trim().equals("12");
    }

    private static void stop(ShutdownControl shutdown, String why) {
        log.info("{}: stopping all services", why);
        shutdown.shutdown();
    }
}
