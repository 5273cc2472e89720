package dev.svd.os;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One datagram of systemd's notify protocol (sd_notify(3)), parsed: newline-separated
 * {@code KEY=VALUE} assignments in UTF-8. The supported keys are fields here; keys sd_notify(3)
 * defines that svd does not act on, unknown keys and assignments with an invalid value are counted
 * in {@link #ignored()} (docs/notify.md). Immutable. {@link #parse} is pure and never throws.
 *
 * @param ready            {@code READY=1}
 * @param reloading        {@code RELOADING=1}
 * @param stopping         {@code STOPPING=1}
 * @param status           {@code STATUS=...}, the text as sent (may be empty: clears it)
 * @param mainPid          {@code MAINPID=}
 * @param watchdog         {@code WATCHDOG=1}
 * @param watchdogTrigger  {@code WATCHDOG=trigger}
 * @param watchdogUsec     {@code WATCHDOG_USEC=}, a new watchdog interval
 * @param extendTimeoutUsec {@code EXTEND_TIMEOUT_USEC=}
 * @param ignored          assignments svd does not act on (known but unsupported, unknown, invalid)
 */
public record NotifyMessage(boolean ready, boolean reloading, boolean stopping, Optional<String> status,
                            OptionalInt mainPid, boolean watchdog, boolean watchdogTrigger,
                            OptionalLong watchdogUsec, OptionalLong extendTimeoutUsec, int ignored) {
    /**
     * The largest datagram read: systemd's own receive buffer for notifications is PIPE_BUF (4096
     * bytes, src/core/manager.c NOTIFY_BUFFER_MAX); a longer one arrives truncated and is dropped.
     */
    public static final int MAX_BYTES = 4096;

    /** What a datagram was: a message, or garbage with the reason it was dropped. */
    public sealed interface Parsed {}

    /** A datagram with at least one well-formed assignment. */
    public record Message(NotifyMessage message) implements Parsed {}

    /** A datagram dropped whole: {@code why} in operator words ("not UTF-8"). */
    public record Garbage(String why) implements Parsed {}

    /**
     * Parses {@code length} bytes of {@code data}; {@code truncated}: the kernel cut the datagram
     * (MSG_TRUNC), which drops it whole (a cut STATUS= or MAINPID= would be wrong, not short).
     */
    public static Parsed parse(byte[] data, int length, boolean truncated) {
        if (truncated) {
            return new Garbage("longer than " + MAX_BYTES + " bytes");
        }
        if (data == null || length <= 0 || length > data.length) {
            return new Garbage("empty");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return new Garbage("not UTF-8");
        }
        if (text.indexOf('\0') >= 0) {
            return new Garbage("contains a NUL byte");
        }
        Builder b = new Builder();
        int assignments = 0;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue; // sd_notify(3) clients end the last assignment with a newline or not
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                b.ignored++;
                continue;
            }
            assignments++;
            b.assign(line.substring(0, eq), line.substring(eq + 1));
        }
        if (assignments == 0) {
            return new Garbage(text.isBlank() ? "empty" : "no KEY=VALUE assignment");
        }
        return new Message(b.build());
    }

    /** True when nothing in it asks svd to do anything. */
    public boolean actsOnNothing() {
        return !ready && !reloading && !stopping && status.isEmpty() && mainPid.isEmpty() && !watchdog
                && !watchdogTrigger && watchdogUsec.isEmpty() && extendTimeoutUsec.isEmpty();
    }

    private static final class Builder {
        boolean ready;
        boolean reloading;
        boolean stopping;
        Optional<String> status = Optional.empty();
        OptionalInt mainPid = OptionalInt.empty();
        boolean watchdog;
        boolean watchdogTrigger;
        OptionalLong watchdogUsec = OptionalLong.empty();
        OptionalLong extendTimeoutUsec = OptionalLong.empty();
        int ignored;

        void assign(String key, String value) {
            switch (key) {
                case "READY" -> ready |= flag(value);
                case "RELOADING" -> reloading |= flag(value);
                case "STOPPING" -> stopping |= flag(value);
                case "STATUS" -> status = Optional.of(value);
                case "MAINPID" -> {
                    long pid = number(value);
                    if (pid > 1 && pid <= Integer.MAX_VALUE) {
                        mainPid = OptionalInt.of((int) pid);
                    } else {
                        ignored++;
                    }
                }
                case "WATCHDOG" -> {
                    if (value.equals("1")) {
                        watchdog = true;
                    } else if (value.equals("trigger")) {
                        watchdogTrigger = true;
                    } else {
                        ignored++;
                    }
                }
                case "WATCHDOG_USEC" -> watchdogUsec = positive(value, watchdogUsec);
                case "EXTEND_TIMEOUT_USEC" -> extendTimeoutUsec = positive(value, extendTimeoutUsec);
                default -> ignored++; // keys of sd_notify(3) svd does not act on (docs/notify.md) and unknown ones
            }
        }

        private boolean flag(String value) {
            if (value.equals("1")) {
                return true;
            }
            ignored++;
            return false;
        }

        private OptionalLong positive(String value, OptionalLong before) {
            long n = number(value);
            if (n > 0) {
                return OptionalLong.of(n);
            }
            ignored++;
            return before;
        }

        NotifyMessage build() {
            return new NotifyMessage(ready, reloading, stopping, status, mainPid, watchdog, watchdogTrigger,
                    watchdogUsec, extendTimeoutUsec, ignored);
        }
    }

    /** A decimal number of at most 18 digits (no sign, no spaces); -1 otherwise. */
    static long number(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
