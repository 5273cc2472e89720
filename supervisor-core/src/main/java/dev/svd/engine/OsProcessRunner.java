package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.os.OutputListener;
import dev.svd.os.Processes;
import dev.svd.os.SpawnException;
import dev.svd.os.SpawnRequest;

/** The real {@link ProcessRunner}: service specs become spawn requests for {@link Processes}. */
public final class OsProcessRunner implements ProcessRunner {
    private final Processes processes;

    public OsProcessRunner(Processes processes) {
        this.processes = processes;
    }

    @Override
    public int spawn(ServiceSpec spec, OutputListener output) throws SpawnException {
        return processes.spawn(new SpawnRequest(spec.name(), spec.command(), spec.directory(), spec.environment(),
                spec.user()), output);
    }

    @Override
    public void signalGroup(int pid, Signal signal) {
        processes.signalGroup(pid, signal);
    }

    @Override
    public void signalProcess(int pid, Signal signal) {
        processes.signalProcess(pid, signal);
    }
}
