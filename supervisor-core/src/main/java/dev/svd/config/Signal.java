package dev.svd.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The POSIX signals a config may name, with their Linux x86-64/arm64 numbers (signal(7)).
 * Pure data: the {@code os} package turns them into kill(2) calls.
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), ALRM(14), TERM(15), CONT(18), STOP(19),
    TSTP(20), TTIN(21), TTOU(22), WINCH(28);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** Accepts {@code TERM}, {@code SIGTERM}, {@code term} and the number {@code 15}. */
    public static Optional<Signal> parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        for (Signal s : values()) {
            if (s.name().equals(t) || Integer.toString(s.number).equals(t)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The signal with this number, for reporting exits ("killed by SIGKILL"). */
    public static Optional<Signal> ofNumber(int number) {
        for (Signal s : values()) {
            if (s.number == number) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
