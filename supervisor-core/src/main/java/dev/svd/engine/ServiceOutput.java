package dev.svd.engine;

import dev.svd.os.OutputKind;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** What the services wrote, for {@code svctl logs}. Safe to call from any thread. */
public interface ServiceOutput {
    /** The last {@code lines} lines the service wrote on {@code stream} (null: on both, in arrival order), oldest first. */
    List<String> tail(String name, int lines, OutputKind stream);

    /** Bytes the service wrote on {@code stream} (null: on both) since svd started it; -1 when not known. */
    default long outputBytes(String name, OutputKind stream) {
        return -1;
    }

    /** Calls {@code sink} with each new line the service writes on {@code stream}, until closed. */
    AutoCloseable followOutput(String name, OutputKind stream, Consumer<String> sink);

    /**
     * As {@link #followOutput}, each line's bytes alone, whatever {@link #followOutput} adds to show it
     * (svctl logs with names gives time, service and stream as members of its own).
     */
    default AutoCloseable followText(String name, OutputKind stream, Consumer<String> sink) {
        return followOutput(name, stream, sink);
    }

    /** The directory of the log files, read by {@code svctl logs --since/--grep} (docs/logging.md); null: none. */
    default Path logDir() {
        return null;
    }
}
