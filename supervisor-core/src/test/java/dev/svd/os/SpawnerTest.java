package dev.svd.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The native block a spawn hands to posix_spawn: argv and envp read back as the kernel would read them. */
class SpawnerTest {
    private static final String CHARS = "aZ09 =-_/.\u00e9\u00df\u4e2d\ud83d\ude00";

    @Test
    void argvAndEnvironmentReadBackExactlyFromTheBlock() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<String> argv = new ArrayList<>();
            int args = 1 + random.nextInt(6);
            for (int i = 0; i < args; i++) {
                argv.add(text(random));
            }
            Map<String, String> env = new LinkedHashMap<>();
            int vars = random.nextInt(4) == 0 ? 0 : random.nextInt(80);
            for (int i = 0; i < vars; i++) {
                env.put("V" + i + text(random).replace("=", ""), text(random));
            }
            List<String> envp = new ArrayList<>();
            env.forEach((k, v) -> envp.add(k + "=" + v));

            try (Memory block = Spawner.nativeBlock(argv, env)) {
                long vectors = SpawnCalls.FILE_ACTIONS_BYTES + SpawnCalls.ATTR_BYTES;
                Pointer argvAt = block.share(vectors);
                Pointer envpAt = block.share(vectors + (long) Native.POINTER_SIZE * (argv.size() + 1));
                assertThat(read(argvAt)).as("argv, seed %d round %d", seed, round).isEqualTo(argv);
                assertThat(read(envpAt)).as("envp, seed %d round %d", seed, round).isEqualTo(envp);
            }
        }
    }

    private static String text(Random random) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            int at = random.nextInt(CHARS.length());
            if (Character.isHighSurrogate(CHARS.charAt(at))) {
                b.append(CHARS, at, at + 2);
            } else if (!Character.isLowSurrogate(CHARS.charAt(at))) {
                b.append(CHARS.charAt(at));
            }
        }
        return b.toString();
    }

    /** A NULL-terminated vector of NUL-terminated UTF-8 strings. */
    private static List<String> read(Pointer vector) {
        List<String> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Pointer s = vector.getPointer((long) i * Native.POINTER_SIZE);
            if (s == null) {
                return out;
            }
            out.add(s.getString(0, StandardCharsets.UTF_8.name()));
        }
    }
}
