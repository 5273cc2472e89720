package dev.svd.lifecycle;

import dev.svd.config.Signal;
import java.time.Instant;

/**
 * How a process ended, exactly as waitid(2) reported it: an exit code or the signal that killed it.
 * {@link #toString()} is the text operators read ("exited 9", "killed by SIGKILL"). A process svd
 * adopted is not its child, so its status may be unknown ({@link #unknown}).
 */
public record ExitStatus(boolean bySignal, int value, Instant at) {
    public static ExitStatus exited(int code, Instant at) {
        return new ExitStatus(false, code, at);
    }

    public static ExitStatus killed(int signal, Instant at) {
        return new ExitStatus(true, signal, at);
    }

    /** An adopted process ended and its parent (not svd) reaped it before svd could read how. */
    public static ExitStatus unknown(Instant at) {
        return new ExitStatus(false, UNKNOWN, at);
    }

    private static final int UNKNOWN = -1;

    /** Exit code 0: the only status that counts as success for {@code restart = on-failure}. */
    public boolean success() {
        return !bySignal && value == 0;
    }

    public boolean known() {
        return bySignal || value != UNKNOWN;
    }

    @Override
    public String toString() {
        if (!known()) {
            return "ended (status unknown: not svd's child)";
        }
        if (!bySignal) {
            return "exited " + value;
        }
        return "killed by " + Signal.ofNumber(value).map(s -> "SIG" + s.name()).orElse(fatalSignalName(value));
    }

    /** Names of the signals a process dies of by itself (signal(7)); config never names these. */
    private static String fatalSignalName(int signal) {
        return switch (signal) {
            case 4 -> "SIGILL";
            case 5 -> "SIGTRAP";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 24 -> "SIGXCPU";
            case 25 -> "SIGXFSZ";
            case 31 -> "SIGSYS";
            default -> "signal " + signal;
        };
    }
}
