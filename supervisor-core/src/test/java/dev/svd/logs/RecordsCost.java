package dev.svd.logs;

import dev.svd.os.OutputKind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A by-hand check, not a test: the CPU time of {@link RotatingFile#writeRecords} alone (log.timestamps
 * on), and of the tail's {@link TailBuffer#add}, for 512 MiB of 100-byte lines in chunks of the pump's
 * size, written to /dev/null so that the kernel's part is left out. Run it with the launcher's JIT flags:
 * <pre>
 * java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 \
 *     -cp supervisor-core/target/classes:supervisor-core/target/test-classes:$(cat /tmp/svd-cp) \
 *     dev.svd.logs.RecordsCost [chunk bytes, default 262100: whole lines]
 * </pre>
 */
public final class RecordsCost {
    private RecordsCost() {
    }

    public static void main(String[] args) throws Exception {
        int chunkBytes = args.length > 0 ? Integer.parseInt(args[0]) : 262_100; // whole 100-byte lines
        ByteBuffer chunk = ByteBuffer.allocateDirect(chunkBytes);
        long total = 512L << 20;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        RotatingFile.ChannelOpener devNull = path -> FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        TailBuffer tail = new TailBuffer(200);
        for (int round = 0; round < 4; round++) {
            for (String what : new String[] {"records", "tail"}) {
                try (RotatingFile file = new RotatingFile("bench", Path.of("/nonexistent/bench.log"), Long.MAX_VALUE, 1, devNull,
                        Runnable::run, Long.MAX_VALUE)) {
                    long cpu = 0;
                    for (int i = 0; i < chunkBytes; i++) {
                        chunk.put(i, (byte) (i % 100 == 99 ? '\n' : 'a' + i % 26));
                    }
                    for (long done = 0; done < total; done += chunkBytes) {
                        chunk.clear();
                        long c0 = threads.getCurrentThreadCpuTime();
                        if (what.equals("records")) {
                            file.writeRecords(OutputKind.STDOUT, chunk, 1_765_000_000_000L);
                        } else {
                            tail.add(chunk, 0, chunkBytes, done, 0);
                        }
                        cpu += threads.getCurrentThreadCpuTime() - c0;
                    }
                    System.out.printf("%s: %d ms CPU per 512 MiB%n", what, cpu / 1_000_000);
                }
            }
        }
    }
}
