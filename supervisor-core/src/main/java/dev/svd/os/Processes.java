package dev.svd.os;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import java.time.Duration;
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
 * svd's processes: spawns each service's main process in its own session ({@link Spawner}), pumps
 * its output ({@link OutputPump}), reaps every child on one thread with the exact status, and
 * reports a main process's exit only once its process group is empty, killing what it left
 * behind. Thread-safe. One instance at a time per JVM: the reaper it attaches to waits for every
 * child of the process.
 */
public final class Processes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Processes.class);
    /** How long leftovers of a dead main process may take to die after SIGKILL before its exit is reported anyway. */
    static final Duration GROUP_CLEAR_BOUND = Duration.ofSeconds(5);
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
    private final OutputPump pump;

    /** A live main process; {@code exit} is told when it is gone (the engine, or a one-off command's waiter). */
    private record Child(int pid, String service, ExitStatus[] status, ProcessExit exit) {
        void report(ExitStatus s) {
            exit.exited(pid, s);
        }
    }

    public Processes(ProcessExit onExit) {
        this.onExit = onExit;
        initNative();
        this.childCommand = new ChildCommand();
        this.pump = new OutputPump();
        Kernel.becomeSubreaper();
        this.reaper = Reaper.attach(sink);
        this.clearTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "svd-group-clear");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * JNA may run a helper process while it loads a library (ldconfig -p); do that before the
     * reaper starts, so the reaper cannot take that helper's status from the JDK.
     */
    private static void initNative() {
        LibC.C.getpid();
        try {
            Class.forName(SpawnCalls.class.getName(), true, Processes.class.getClassLoader());
            Class.forName(PumpCalls.class.getName(), true, Processes.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Spawns the request's command; returns the pid, which is also its process group and session id. */
    public int spawn(SpawnRequest req, OutputListener output) throws SpawnException {
        return spawn(req, output, onExit);
    }

    /** Like {@link #spawn(SpawnRequest, OutputListener)}, but its exit goes to {@code exit}, not to svd's engine. */
    public int spawn(SpawnRequest req, OutputListener output, ProcessExit exit) throws SpawnException {
        Map<String, String> env = childCommand.environment(req);
        ChildCommand.Exec exec = childCommand.exec(req, env);
        // Not under spawnLock, so that several threads can spawn at once (200 services at start):
        // a child that dies before it is registered below is kept by the reaper as "unclaimed".
        Spawner.Started started = Spawner.spawn(exec.program(), exec.argv(), env, exec.directory());
        int pid = started.pid();
        pump.register(started.stdout(), started.stderr(), output);
        Child child = new Child(pid, req.service(), new ExitStatus[1], exit);
        Unclaimed early;
        synchronized (spawnLock) {
            early = unclaimed.remove(pid);
            if (early == null) {
                children.put(pid, child);
            }
        }
        reaper.childSpawned();
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
            try {
                clearTimer.schedule(() -> giveUpClearing(pid), GROUP_CLEAR_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                giveUpClearing(pid); // closing: report the exit now rather than never
            }
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
        reaper.detach(sink); // first: a reap after this goes nowhere, so nothing schedules on the timer
        clearTimer.shutdownNow();
        pump.close();
    }
}
