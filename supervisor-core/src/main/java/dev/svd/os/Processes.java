package dev.svd.os;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import dev.svd.logs.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * svd's processes: spawns each service's main process with NuProcess (which pumps its output) in
 * its own session, reaps every child on one thread with the exact status, and reports a main
 * process's exit only once its process group is empty, killing what it left behind. Thread-safe.
 * One instance at a time per JVM: the reaper it attaches to waits for every child of the process.
 */
public final class Processes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Processes.class);
    /** How long leftovers of a dead main process may take to die after SIGKILL before its exit is reported anyway. */
    static final Duration GROUP_CLEAR_BOUND = Duration.ofSeconds(5);
    private static final Duration PIPE_CLOSE_GRACE = Duration.ofMillis(50);
    /** How long an exit nobody claimed is kept for a spawn that has not registered its pid yet. */
    private static final Duration UNCLAIMED_KEPT = Duration.ofSeconds(10);

    private record Unclaimed(ExitStatus status, long atNanos) {}

    private final ProcessExit onExit;
    private final ChildCommand childCommand;
    private final Object spawnLock = new Object();
    private final Map<Integer, Child> children = new HashMap<>(); // guarded by spawnLock
    private final Map<Integer, Unclaimed> unclaimed = new HashMap<>(); // guarded by spawnLock
    private final Map<Integer, Child> clearing = new ConcurrentHashMap<>();
    private final Reaper reaper;
    private final Reaper.Reaped sink = this::reaped;
    private final ScheduledExecutorService clearTimer;

    /** A live main process; {@code exit} is told when it is gone (the engine, or a one-off command's waiter). */
    private record Child(int pid, String service, ExitStatus[] status, ProcessExit exit) {
        void report(ExitStatus s) {
            exit.exited(pid, s);
        }
    }

    public Processes(ProcessExit onExit) {
        this.onExit = onExit;
        initNuProcess();
        SignalDispositions.restoreSigpipe();
        this.childCommand = new ChildCommand(SignalDispositions.noneIgnored());
        Kernel.becomeSubreaper();
        this.reaper = Reaper.attach(sink);
        this.clearTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "svd-group-clear");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * NuProcess and JNA may run a helper process while they initialise (JNA's ldconfig -p); do that
     * before the reaper starts, so the reaper cannot take that helper's status from the JDK.
     */
    private static void initNuProcess() {
        try {
            Class.forName("com.zaxxer.nuprocess.linux.LinuxProcess", true, Processes.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("NuProcess is not on the classpath", e);
        }
        LibC.C.getpid();
    }

    /** Spawns the request's command; returns the pid, which is also its process group and session id. */
    public int spawn(SpawnRequest req, OutputListener output) throws SpawnException {
        return spawn(req, output, onExit);
    }

    /** Like {@link #spawn(SpawnRequest, OutputListener)}, but its exit goes to {@code exit}, not to svd's engine. */
    public int spawn(SpawnRequest req, OutputListener output, ProcessExit exit) throws SpawnException {
        Map<String, String> env = childCommand.environment(req);
        List<String> argv = childCommand.argv(req, env);
        NuProcessBuilder pb = new NuProcessBuilder(argv, env);
        req.directory().ifPresent(pb::setCwd);
        Pump pump = new Pump(output);
        pb.setProcessListener(pump);
        // Not under spawnLock, so that several threads can spawn at once (200 services at start):
        // a child that dies before it is registered below is kept by the reaper as "unclaimed".
        NuProcess process = SignalMask.withQuitUnblocked(pb::start);
        if (process == null || process.getPID() <= 0) {
            pump.registered.countDown();
            throw new SpawnException("spawn of " + req.command().get(0) + " failed (see svd's log)");
        }
        int pid = process.getPID();
        Child child = new Child(pid, req.service(), new ExitStatus[1], exit);
        Unclaimed early;
        synchronized (spawnLock) {
            early = unclaimed.remove(pid);
            if (early == null) {
                children.put(pid, child);
            }
        }
        pump.registered.countDown();
        reaper.childSpawned();
        process.closeStdin(true);
        if (early != null) {
            mainExited(child, early.status()); // reaped before this thread could register it
        }
        return pid;
    }

    /** Signals the whole process group led by {@code pid}; falls back to the pid alone if the group is not formed yet. */
    public boolean signalGroup(int pid, Signal signal) {
        return Kernel.signalGroup(pid, signal) || Kernel.signalProcess(pid, signal);
    }

    public boolean signalProcess(int pid, Signal signal) {
        return Kernel.signalProcess(pid, signal);
    }

    /** Pids of main processes not yet reported as exited. */
    public List<Integer> livePids() {
        synchronized (spawnLock) {
            List<Integer> pids = new ArrayList<>(children.keySet());
            pids.addAll(clearing.keySet());
            return pids;
        }
    }

    /** On the reaper thread: one child, ours or an adopted orphan, was reaped. */
    private void reaped(int pid, ExitStatus status) {
        Child child;
        synchronized (spawnLock) {
            child = children.remove(pid);
            if (child == null) {
                keepUnclaimed(pid, status);
            }
            spawnLock.notifyAll();
        }
        if (child != null) {
            mainExited(child, status);
        }
        for (Integer pgid : clearing.keySet()) {
            if (!Kernel.groupAlive(pgid)) {
                Child done = clearing.remove(pgid);
                if (done != null) {
                    done.report(done.status()[0]);
                }
            }
        }
    }

    /** A main process ended: report it once its group is empty, killing what is left of the group. */
    private void mainExited(Child child, ExitStatus status) {
        int pid = child.pid();
        child.status()[0] = status;
        if (Kernel.groupAlive(pid)) {
            log.debug("{}: pid {} {}; killing the rest of its process group", child.service(), pid, status);
            clearing.put(pid, child);
            Kernel.signalGroup(pid, Signal.KILL);
            clearTimer.schedule(() -> giveUpClearing(pid), GROUP_CLEAR_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            child.report(status);
        }
    }

    /**
     * A reaped pid nobody registered: an adopted orphan, or a child whose spawning thread has not
     * registered it yet. Kept for a while for the latter; orphans' entries expire. Under spawnLock.
     */
    private void keepUnclaimed(int pid, ExitStatus status) {
        long now = System.nanoTime();
        unclaimed.values().removeIf(u -> now - u.atNanos() > UNCLAIMED_KEPT.toNanos());
        unclaimed.put(pid, new Unclaimed(status, now));
    }

    private void giveUpClearing(int pgid) {
        Child stuck = clearing.remove(pgid);
        if (stuck != null) {
            log.warn("{}: process group {} still has processes {} after SIGKILL; reporting the exit anyway",
                    stuck.service(), pgid, GROUP_CLEAR_BOUND);
            stuck.report(stuck.status()[0]);
        }
    }

    /**
     * Called on the pump thread when both pipes of {@code pid} closed, just before NuProcess calls
     * waitpid(pid): pipes close a moment before the process becomes a zombie, so give the reaper a
     * bounded moment to take the exact status first. A process that closed its pipes but lives on
     * costs this wait once.
     */
    private void awaitReaper(int pid) {
        long deadline = System.nanoTime() + PIPE_CLOSE_GRACE.toNanos();
        synchronized (spawnLock) {
            while (children.containsKey(pid)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(spawnLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * NuProcess reaps with waitpid(pid) once both pipes close. The reaper nearly always gets there
     * first; if NuProcess wins the race its code is all we have (it cannot tell exit 9 from SIGKILL).
     */
    private void reapedByNuProcess(int pid, int code) {
        Child child;
        synchronized (spawnLock) {
            child = children.remove(pid);
        }
        if (child != null && !Kernel.processAlive(pid)) {
            log.warn("{}: pid {} was reaped by NuProcess, not svd's reaper; its status is approximate", child.service(), pid);
            child.report(ExitStatus.exited(code == Integer.MIN_VALUE ? 127 : code, Instant.now()));
        } else if (child != null) {
            synchronized (spawnLock) {
                children.put(pid, child);
            }
        }
    }

    /**
     * SIGKILLs every child of svd that is not a live main process: processes that left their
     * service's process group (setsid daemons) and were adopted after their parent died. Returns
     * how many it found. svd calls this last, so nothing of any service survives it.
     */
    public int killAdoptedProcesses() {
        int self = Kernel.pid();
        List<Integer> mains = livePids();
        int found = 0;
        for (int pid : ProcFs.childrenOf(self)) {
            if (!mains.contains(pid)) {
                log.warn("killing pid {} ({}): it outlived its service's process group", pid, ProcFs.command(pid));
                Kernel.signalProcess(pid, Signal.KILL);
                found++;
            }
        }
        return found;
    }

    @Override
    public void close() {
        clearTimer.shutdownNow();
        reaper.detach(sink);
    }

    /** Adapts NuProcess's callbacks (on its pump thread) to an OutputListener. */
    private final class Pump extends NuAbstractProcessHandler {
        /**
         * Opened once spawn() registered the pid. NuProcess may see the pipes close, and reap, before
         * that; its exit handling waits here, so the reaper's bookkeeping sees the pid first.
         */
        final java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
        private final OutputListener output;
        private NuProcess process;
        private boolean stdoutClosed;
        private boolean stderrClosed;

        Pump(OutputListener output) {
            this.output = output;
        }

        @Override
        public void onPreStart(NuProcess nuProcess) {
            this.process = nuProcess;
        }

        @Override
        public void onStdout(ByteBuffer buffer, boolean closed) {
            deliver(OutputStream.STDOUT, buffer);
            if (closed) {
                stdoutClosed = true;
                closedIfBoth();
            }
        }

        @Override
        public void onStderr(ByteBuffer buffer, boolean closed) {
            deliver(OutputStream.STDERR, buffer);
            if (closed) {
                stderrClosed = true;
                closedIfBoth();
            }
        }

        private void deliver(OutputStream stream, ByteBuffer buffer) {
            if (buffer.hasRemaining()) {
                try {
                    output.output(stream, buffer);
                } catch (RuntimeException e) {
                    log.error("output of pid {} could not be handled", process == null ? 0 : process.getPID(), e);
                }
                buffer.position(buffer.limit());
            }
        }

        private void closedIfBoth() {
            if (stdoutClosed && stderrClosed) {
                awaitRegistration();
                if (process != null) {
                    awaitReaper(process.getPID());
                }
                output.closed();
            }
        }

        private void awaitRegistration() {
            try {
                registered.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onExit(int exitCode) {
            awaitRegistration();
            if (process != null && exitCode != Integer.MAX_VALUE) {
                reapedByNuProcess(process.getPID(), exitCode);
            }
        }
    }
}
