package dev.svd.logs;

import dev.svd.os.OutputKind;
import dev.svd.config.LogSpec;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A by-hand check of capture at the end of a real pipe, the measure without NuProcess:
 * reads stdin in 64 KiB reads into one direct buffer, as the pump does, and hands each read to
 * {@link ServiceOutput#accept}. Compare with {@code cat}:
 * <pre>
 * yes "$(printf '%099d' 0)" | head -c 512M | cat > /tmp/cat.log
 * yes "$(printf '%099d' 0)" | head -c 512M | java -cp CLASSPATH dev.svd.logs.CaptureStdin /tmp/svd-logs [console]
 * </pre>
 * The second argument: {@code file} (default), {@code console} (lines also go, prefixed, to
 * stdout: redirect it) or {@code raw} (a plain FileChannel write of each read, for comparison).
 * The log spec is the default; {@code -Dmax-size=}, {@code -Dkeep=}, {@code -Dtail-lines=} change it.
 */
public final class CaptureStdin {
    private CaptureStdin() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args.length > 1 ? args[1] : "file";
        LogSpec spec = new LogSpec(Long.getLong("max-size", LogSpec.DEFAULT.maxSize()),
                Integer.getInteger("keep", LogSpec.DEFAULT.keep()),
                Integer.getInteger("tail-lines", LogSpec.DEFAULT.tailLines()), mode.equals("console"),
                Boolean.parseBoolean(System.getProperty("timestamps", "true")), false);
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        long total = 0;
        long reads = 0;
        long reading = 0;
        long start = 0;
        ExecutorService remover = Executors.newSingleThreadExecutor();
        try (FileChannel in = new FileInputStream(FileDescriptor.in).getChannel();
                ServiceOutput output = new ServiceOutput("capture", spec, Path.of(args[0]), new StdoutSink(), remover);
                FileChannel raw = FileChannel.open(Path.of(args[0], "raw.log"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            start = System.nanoTime(); // after setup (class loading, Logback), as in a running daemon
            while (true) {
                long before = System.nanoTime();
                int read = in.read(buffer.clear());
                reading += System.nanoTime() - before;
                if (read < 0) {
                    break;
                }
                total += buffer.flip().remaining();
                reads++;
                if (mode.equals("raw")) {
                    while (buffer.hasRemaining()) {
                        raw.write(buffer);
                    }
                } else {
                    output.accept(OutputKind.STDOUT, buffer);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        remover.shutdown();
        System.err.printf("%s: %d bytes in %d reads (%d on average) in %.3f s: %.0f MB/s; %.3f s reading, %.3f s in"
                + " accept or write%n", mode, total, reads, total / Math.max(1, reads), seconds, total / seconds / 1e6,
                reading / 1e9, seconds - reading / 1e9);
    }
}
