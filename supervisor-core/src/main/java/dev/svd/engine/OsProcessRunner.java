package dev.svd.engine;

import dev.svd.config.ServiceSpec;
import dev.svd.config.Signal;
import dev.svd.os.OutputListener;
import dev.svd.os.ProcessLedger;
import dev.svd.os.Processes;
import dev.svd.os.SpawnException;
import dev.svd.os.SpawnRequest;

/**
 * The real {@link ProcessRunner}: service specs become spawn requests for {@link Processes}, and
 * every live process group is recorded in the {@link ProcessLedger} for a restarted svd to find.
 */
public final class OsProcessRunner implements ProcessRunner {
    private final Processes processes;
    private final ProcessLedger ledger;

    public OsProcessRunner(Processes processes, ProcessLedger ledger) {
        this.processes = processes;
        this.ledger = ledger;
    }

    @Override
    public int spawn(ServiceSpec spec, OutputListener output) throws SpawnException {
        int pid = processes.spawn(new SpawnRequest(spec.name(), spec.command(), spec.directory(), spec.environment(),
                spec.user()), output);
        ledger.added(spec.name(), pid);
        return pid;
    }

    @Override
    public void exited(int pid) {
        ledger.removed(pid);
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
