package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.logs.ConsoleSink;
import dev.svd.os.OutputKind;
import dev.svd.logs.ServiceOutput;
import dev.svd.os.OutputListener;
import dev.svd.os.SpliceFile;
import dev.svd.os.SplicingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link OutputRegistry}: one {@link ServiceOutput} per service (log file, console, tail),
 * kept across restarts. Thread-safe: the engine asks for listeners, the pump thread writes,
 * control handlers read tails.
 */
public final class LoggedOutputs implements OutputRegistry {
    private static final Logger log = LoggerFactory.getLogger(LoggedOutputs.class);

    private final Path logDir;
    private final ConsoleSink console;
    private final Executor remover;
    private final GroupPrincipal group;
    private final Map<String, ServiceOutput> outputs = new ConcurrentHashMap<>();

    /** @param remover deletes rotated-out files off the pump thread */
    public LoggedOutputs(Path logDir, ConsoleSink console, Executor remover) {
        this(logDir, console, remover, null);
    }

    /** @param group of new log files, e.g. the control's read-only group; null: svd's own */
    public LoggedOutputs(Path logDir, ConsoleSink console, Executor remover, GroupPrincipal group) {
        this.logDir = logDir;
        this.console = console;
        this.remover = remover;
        this.group = group;
    }

    private ServiceOutput outputOf(ServiceSpec spec) {
        return outputs.computeIfAbsent(spec.name(), name -> {
            try {
                return new ServiceOutput(name, spec.log(), logDir, console, remover, group);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the log of " + name + " in " + logDir, e);
            }
        });
    }

    @Override
    public OutputListener listenerFor(ServiceSpec spec) {
        ServiceOutput out;
        try {
            out = outputOf(spec);
        } catch (UncheckedIOException e) {
            log.error("{}: {}; its output is discarded", spec.name(), e.getMessage());
            return OutputRegistry.NONE.listenerFor(spec);
        }
        // One pump thread on small machines; on larger ones an old and a new process of the same
        // service may be pumped by two threads, and ServiceOutput takes one writer at a time.
        return new SplicingListener() {
            @Override
            public void output(OutputKind stream, ByteBuffer bytes) {
                synchronized (out) {
                    out.accept(stream, bytes);
                }
            }

            @Override
            public SpliceFile spliceTarget(OutputKind stream, long max) {
                synchronized (out) {
                    return out.spliceTarget(stream, max);
                }
            }

            @Override
            public void spliced(OutputKind stream, long bytes) {
                synchronized (out) {
                    out.spliced(stream, bytes);
                }
            }

            @Override
            public void closed() {
                synchronized (out) {
                    out.endOfStream(OutputKind.STDOUT);
                    out.endOfStream(OutputKind.STDERR);
                }
            }
        };
    }

    @Override
    public List<String> tail(String service, int lines, OutputKind stream) {
        ServiceOutput out = outputs.get(service);
        return out == null ? List.of() : out.shownTail(stream, lines);
    }

    @Override
    public long bytes(String service, OutputKind stream) {
        ServiceOutput out = outputs.get(service);
        return out == null ? 0 : out.bytes(stream);
    }

    @Override
    public AutoCloseable follow(String service, OutputKind stream, Consumer<String> sink) {
        ServiceOutput out = outputs.get(service);
        return out == null ? () -> { } : out.follow(stream, sink);
    }

    @Override
    public Path logDir() {
        return logDir;
    }

    @Override
    public AutoCloseable followShown(String service, OutputKind stream, Consumer<String> sink) {
        ServiceOutput out = outputs.get(service);
        return out == null ? () -> { } : out.followShown(stream, sink);
    }

    @Override
    public void remove(String service) {
        ServiceOutput out = outputs.remove(service);
        if (out != null) {
            try {
                synchronized (out) {
                    out.close();
                }
            } catch (IOException e) {
                log.warn("{}: closing its log failed: {}", service, e.toString());
            }
        }
    }

    @Override
    public void reopen() {
        for (ServiceOutput out : outputs.values()) {
            synchronized (out) {
                out.reopen();
            }
        }
    }

    /** Closes every log file, at svd's exit. */
    public void closeAll() {
        for (String name : List.copyOf(outputs.keySet())) {
            remove(name);
        }
    }
}
