package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The notify datagram parser (docs/notify.md): what it reads, and garbage it survives. */
class NotifyMessageTest {
    private static NotifyMessage.Parsed parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return NotifyMessage.parse(b, b.length, false);
    }

    private static NotifyMessage message(String text) {
        NotifyMessage.Parsed p = parse(text);
        assertThat(p).as(text).isInstanceOf(NotifyMessage.Message.class);
        return ((NotifyMessage.Message) p).message();
    }

    @Test
    void gunicornsReadyAndStatusAreRead() {
        NotifyMessage m = message("READY=1\nSTATUS=Gunicorn arbiter booted");
        assertThat(m.ready()).isTrue();
        assertThat(m.status()).contains("Gunicorn arbiter booted");
        assertThat(m.ignored()).isZero();
    }

    @Test
    void everySupportedKeyIsRead() {
        NotifyMessage m = message("RELOADING=1\nSTOPPING=1\nMAINPID=4242\nWATCHDOG=1\nWATCHDOG_USEC=2000000\n"
                + "EXTEND_TIMEOUT_USEC=5000000\n");
        assertThat(m.reloading()).isTrue();
        assertThat(m.stopping()).isTrue();
        assertThat(m.mainPid()).hasValue(4242);
        assertThat(m.watchdog()).isTrue();
        assertThat(m.watchdogUsec()).hasValue(2_000_000);
        assertThat(m.extendTimeoutUsec()).hasValue(5_000_000);
        assertThat(message("WATCHDOG=trigger").watchdogTrigger()).isTrue();
    }

    @Test
    void statusKeepsEqualsSignsAndMayBeEmpty() {
        assertThat(message("STATUS=a=b").status()).contains("a=b");
        assertThat(message("STATUS=").status()).contains("");
    }

    @Test
    void unknownAndUnsupportedKeysAndInvalidValuesAreCountedNotActedOn() {
        NotifyMessage m = message("READY=2\nMAINPID=abc\nMAINPID=1\nFDSTORE=1\nX_CUSTOM=yes\nWATCHDOG=2\nERRNO=2\nnoequals");
        assertThat(m.ready()).isFalse();
        assertThat(m.mainPid()).isEmpty();
        assertThat(m.watchdog()).isFalse();
        assertThat(m.ignored()).isEqualTo(8);
        assertThat(m.actsOnNothing()).isTrue();
    }

    @Test
    void garbageIsDroppedWithAReason() {
        assertThat(parse("")).isEqualTo(new NotifyMessage.Garbage("empty"));
        assertThat(parse("\n\n")).isEqualTo(new NotifyMessage.Garbage("empty"));
        assertThat(parse("hello")).isEqualTo(new NotifyMessage.Garbage("no KEY=VALUE assignment"));
        assertThat(parse("READY=1\0")).isEqualTo(new NotifyMessage.Garbage("contains a NUL byte"));
        byte[] latin1 = {'S', 'T', 'A', 'T', 'U', 'S', '=', (byte) 0xe9};
        assertThat(NotifyMessage.parse(latin1, latin1.length, false)).isEqualTo(new NotifyMessage.Garbage("not UTF-8"));
        byte[] ready = "READY=1".getBytes(StandardCharsets.UTF_8);
        assertThat(NotifyMessage.parse(ready, ready.length, true)).isInstanceOf(NotifyMessage.Garbage.class);
        assertThat(NotifyMessage.parse(ready, ready.length + 1, false)).isInstanceOf(NotifyMessage.Garbage.class);
        assertThat(NotifyMessage.parse(null, 0, false)).isInstanceOf(NotifyMessage.Garbage.class);
    }

    @Test
    void numbersAreDecimalWithoutSignOrOverflow() {
        assertThat(NotifyMessage.number("0042")).isEqualTo(42);
        assertThat(NotifyMessage.number("-1")).isEqualTo(-1);
        assertThat(NotifyMessage.number(" 1")).isEqualTo(-1);
        assertThat(NotifyMessage.number("99999999999999999999")).isEqualTo(-1);
        assertThat(message("MAINPID=99999999999").mainPid()).isEmpty();
    }

    /** Random bytes, and random mixes of real keys with junk: never an exception, always a result. */
    @Test
    void randomDatagramsNeverThrow() {
        long seed = Long.getLong("svd.test.seed", new Random().nextLong());
        Random random = new Random(seed);
        String[] pieces = {"READY=1", "STATUS=", "MAINPID=", "WATCHDOG=", "WATCHDOG_USEC=", "EXTEND_TIMEOUT_USEC=",
            "RELOADING=1", "STOPPING=1", "=", "\n", "\0", "\u00e9", "\ud83d\ude00", "9", "-", "trigger", "X"};
        for (int i = 0; i < 20_000; i++) {
            byte[] data;
            if (random.nextBoolean()) {
                data = new byte[random.nextInt(NotifyMessage.MAX_BYTES + 1)];
                random.nextBytes(data);
            } else {
                StringBuilder b = new StringBuilder();
                int n = random.nextInt(12);
                for (int j = 0; j < n; j++) {
                    b.append(pieces[random.nextInt(pieces.length)]);
                    if (random.nextInt(4) == 0) {
                        b.append(random.nextInt());
                    }
                }
                data = b.toString().getBytes(StandardCharsets.UTF_8);
            }
            int length = data.length == 0 ? 0 : random.nextInt(data.length + 1);
            NotifyMessage.Parsed p;
            try {
                p = NotifyMessage.parse(data, length, random.nextInt(50) == 0);
            } catch (RuntimeException e) {
                throw new AssertionError("parse threw on datagram " + i + " (replay with -Dsvd.test.seed=" + seed + ")", e);
            }
            assertThat(p).as("datagram %d, seed %d", i, seed).isNotNull();
            if (p instanceof NotifyMessage.Message m) {
                assertThat(m.message().ignored()).as("seed %d", seed).isNotNegative();
                m.message().mainPid().ifPresent(pid -> assertThat(pid).as("seed %d", seed).isGreaterThan(1));
            }
        }
    }
}
