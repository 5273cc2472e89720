package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.os.OutputKind;
import dev.svd.os.OutputListener;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Where each service's output goes, and how to read it back. Thread-safe. */
public interface OutputRegistry {
    /** The listener for the service's next process (the same log file and tail across restarts). */
    OutputListener listenerFor(ServiceSpec spec);

    /**
     * The last lines of {@code stream}; {@code stream} null: of both, in arrival order, as svctl logs
     * shows them (with log.timestamps each starts with its time; logs.ServiceOutput#shownTail).
     */
    List<String> tail(String service, int lines, OutputKind stream);

    /** Bytes the service wrote on {@code stream} (null: both) since svd began keeping its output; -1 unknown. */
    default long bytes(String service, OutputKind stream) {
        return -1;
    }

    AutoCloseable follow(String service, OutputKind stream, Consumer<String> sink);

    /** The directory of the services' and jobs' log files ({@code svd.log-dir}); null when there are none. */
    default Path logDir() {
        return null;
    }

    /** As {@link #follow}, each line as {@link #tail} shows it (svctl logs -f). */
    default AutoCloseable followShown(String service, OutputKind stream, Consumer<String> sink) {
        return follow(service, stream, sink);
    }

    /** Reopens every log file (SIGUSR1 to svd, after an outside rotation). */
    default void reopen() {
    }

    /** A service left the config: close its files. */
    void remove(String service);

    /** Discards everything: no files, no tail. For tests and tools. */
    OutputRegistry NONE = new OutputRegistry() {
        @Override
        public OutputListener listenerFor(ServiceSpec spec) {
            return (stream, bytes) -> bytes.position(bytes.limit());
        }

        @Override
        public List<String> tail(String service, int lines, OutputKind stream) {
            return List.of();
        }

        @Override
        public AutoCloseable follow(String service, OutputKind stream, Consumer<String> sink) {
            return () -> { };
        }

        @Override
        public void remove(String service) {
        }
    };
}
