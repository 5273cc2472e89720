package dev.svd.logs;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ConsoleSink}: raw bytes to file descriptor 1. Any thread; the daemon makes
 * one and shares it between all services.
 *
 * <p>Writes lock {@code System.out}, the PrintStream Logback's console appender writes each
 * event through in one call; on JDK 17 PrintStream.write locks the stream object itself, so svd's
 * own log lines do not interleave with service lines either (JDK 21+ PrintStream uses an internal
 * lock instead; then only service lines are kept whole against each other). A failing stdout
 * (closed pipe) never throws into the pump: the bytes are dropped and one WARN is logged per
 * episode.
 */
public final class StdoutSink implements ConsoleSink {
    private static final Logger log = LoggerFactory.getLogger(StdoutSink.class);

    private final java.io.OutputStream out;
    private final Object lock;
    private long dropped;

    public StdoutSink() {
        this(new FileOutputStream(FileDescriptor.out), System.out);
    }

    StdoutSink(java.io.OutputStream out, Object lock) {
        this.out = out;
        this.lock = lock;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        synchronized (lock) {
            try {
                out.write(bytes, offset, length);
                if (dropped > 0) {
                    log.warn("svd's stdout works again; {} bytes of service output were dropped", dropped);
                    dropped = 0;
                }
            } catch (IOException e) {
                if (dropped == 0) {
                    log.warn("cannot write service output to svd's stdout ({}); dropping it until it works again",
                            e.toString());
                }
                dropped += length;
            }
        }
    }
}
