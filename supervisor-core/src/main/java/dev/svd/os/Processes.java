package dev.svd.os;

import dev.svd.config.Signal;
import dev.svd.lifecycle.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * behind: also what left the group (setsid daemons), found in the service's cgroup where svd has
 * cgroup v2 ({@link ServiceCgroups}) and through /proc always ({@link Escapes}). Thread-safe. One
 * instance at a time per JVM: the reaper it attaches to waits for every child of the process.
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
    private final Map<Integer, Exited> clearing = new ConcurrentHashMap<>();
    private final Reaper reaper;
    private final Reaper.Reaped sink = new Reaper.Reaped() {
        @Override
        public void reaped(int pid, ExitStatus status) {
            Processes.this.reaped(pid, status);
        }

        @Override
        public void batchReaped() {
            Processes.this.batchReaped();
        }
    };
    private final ScheduledExecutorService clearTimer;
    private final OutputPump pump;
    private final Map<Integer, Adopted> adopted = new ConcurrentHashMap<>();
    private final PidWatch adoptedWatch = new PidWatch(this::adoptedEnded);
    /** How often the rest of an adopted process's group is looked for while it is being killed. */
    private static final Duration ADOPTED_CLEAR_POLL = Duration.ofMillis(20);

    /** A leftover of an earlier svd taken over as a service's main process: not svd's child. */
    private record Adopted(int pid, String service, long startTime, ProcessExit exit) {}

    /**
     * A live main process; {@code exit} is told when it is gone (the engine, or a one-off command's
     * waiter). {@code tracked}: a service's, whose processes outside its group svd looks for.
     */
    private record Child(int pid, String service, ProcessExit exit, boolean tracked) {
        void report(ExitStatus s) {
            exit.exited(pid, s);
        }
    }

    /** A main process that has exited, reported once the rest of its group (and what left it) is gone. */
    private record Exited(Child child, ExitStatus status) {
        void report() {
            child.report(status);
        }
    }

    /**
     * How long a read of svd's children ({@link #svdChildren}) serves later looks. A stop of every
     * service signals each one in a row and each exit looks for what the service left behind:
     * with a read per look, a stop of 2,000 services read 2,000 pids 4,000 times, most of its CPU
     * time (docs/benchmarks.md, "Scale"). A read no older than this, made after the latest reap,
     * sees every orphan of every reaped process (re-parented before it could be reaped); an orphan
     * re-parented meanwhile by a death deeper in a tree is one a read a moment earlier would have
     * missed just the same, and the next look after its service's main process ends finds it.
     */
    private static final long CHILDREN_READ_SERVES_NANOS = Duration.ofMillis(10).toNanos();
    private final Object childrenRead = new Object();
    private List<Integer> svdChildren = List.of(); // guarded by childrenRead
    private long svdChildrenReadAt; // guarded by childrenRead; System.nanoTime()
    private long lastReapBatchAt = System.nanoTime(); // guarded by childrenRead

    private final Optional<ServiceCgroups> cgroups;
    /** Processes that left their service's group and were already named in a WARN: once each. */
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();

    /** Processes that find what left a service's group through /proc alone (no cgroups). */
    public Processes(ProcessExit onExit) {
        this(onExit, Optional.empty());
    }

    /** @param cgroups one cgroup per service, where svd has a writable cgroup v2 ({@link ServiceCgroups#detect}) */
    public Processes(ProcessExit onExit, Optional<ServiceCgroups> cgroups) {
        this.onExit = onExit;
        this.cgroups = cgroups;
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
            Class.forName(ReapCalls.class.getName(), true, Processes.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Spawns the request's command; returns the pid, which is also its process group and session id. */
    public int spawn(SpawnRequest req, OutputListener output) throws SpawnException {
        return spawn(req, output, onExit, null, true);
    }

    /** Like {@link #spawn(SpawnRequest, OutputListener)}, but its exit goes to {@code exit}, not to svd's engine. */
    public int spawn(SpawnRequest req, OutputListener output, ProcessExit exit) throws SpawnException {
        return spawn(req, output, exit, null, false);
    }

    /**
     * Like {@link #spawn(SpawnRequest, OutputListener)}, with stdout and stderr on the service's
     * named pipes in {@code fifoDir} ({@link OutputFifos}), so that an svd started after this one
     * was killed can {@link #adopt} the process and read on.
     */
    public int spawnAdoptable(SpawnRequest req, OutputListener output, Path fifoDir) throws SpawnException {
        return spawn(req, output, onExit, new OutputFifos(fifoDir, req.service()), true);
    }

    /** @param service a service's main process: marked, placed in its cgroup, and its escapes looked for */
    private int spawn(SpawnRequest req, OutputListener output, ProcessExit exit, OutputFifos fifos, boolean service)
            throws SpawnException {
        Map<String, String> env = childCommand.environment(req);
        // The marker its descendants inherit, so that one that left the group is still known as
        // the service's (Escapes); a one-off command's processes carry none.
        env.remove(Escapes.MARKER);
        if (service) {
            env.put(Escapes.MARKER, req.service());
        }
        ChildCommand.Exec exec = childCommand.exec(req, env);
        Spawner.Stdio stdio = fifos == null ? Spawner.Stdio.pipes() : fifos.createAndOpen();
        // Not under spawnLock, so that several threads can spawn at once (200 services at start):
        // a child that dies before it is registered below is kept by the reaper as "unclaimed".
        Spawner.Started started = Spawner.spawn(exec.program(), exec.argv(), env, exec.directory(), stdio,
                req.sockets().stream().map(SpawnRequest.PassedSocket::fd).toList());
        int pid = started.pid();
        if (service && cgroups.isPresent()) {
            cgroups.get().place(req.service(), pid);
        }
        pump.register(started.stdout(), started.stderr(), output);
        Child child = new Child(pid, req.service(), exit, service);
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

    /** Whether services get the descriptor limit svd inherited back when svd raised its own (DescriptorLimit). */
    public boolean restoresDescriptorLimit() {
        return childCommand.canRestoreLimits();
    }

    /** Whether {@code pid} writes into {@code service}'s named pipes in {@code fifoDir}, so that svd can adopt it. */
    public static boolean writesIntoFifos(String service, int pid, Path fifoDir) {
        return new OutputFifos(fifoDir, service).writtenBy(pid);
    }

    /**
     * Takes over {@code pid}, a process an earlier svd spawned with {@link #spawnAdoptable} and
     * that started at {@code startTime} ({@link ProcFs#startTime}): its output goes to {@code
     * output} again, and its end is reported like a child's once its group is empty, with the exact
     * status if svd sees it before its parent reaps it, else {@link ExitStatus#unknown}.
     */
    public void adopt(String service, int pid, long startTime, Path fifoDir, OutputListener output) throws SpawnException {
        int[] readers = new OutputFifos(fifoDir, service).openReaders();
        adopted.put(pid, new Adopted(pid, service, startTime, onExit));
        if (!adoptedWatch.watch(pid)) {
            adopted.remove(pid);
            SpawnCalls.close(readers[0]);
            SpawnCalls.close(readers[1]);
            throw new SpawnException("pid " + pid + " cannot be watched (it ended, or this kernel has no pidfd_open)");
        }
        pump.register(readers[0], readers[1], output);
    }

    /** On the watch thread: an adopted process ended. */
    private void adoptedEnded(int pid) {
        Adopted a = adopted.get(pid);
        if (a == null) {
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        ExitStatus status = ProcFs.zombieWaitStatus(pid, a.startTime()).stream()
                .mapToObj(w -> (w & 0x7f) == 0 ? ExitStatus.exited((w >> 8) & 0xff, now) : ExitStatus.killed(w & 0x7f, now))
                .findFirst().orElse(ExitStatus.unknown(now));
        if (ProcFs.groupHasLiveMembers(pid)) {
            log.debug("{}: adopted pid {} {}; killing the rest of its process group", a.service(), pid, status);
            Kernel.signalGroup(pid, Signal.KILL);
        }
        clearAdopted(a, status, System.nanoTime() + GROUP_CLEAR_BOUND.toNanos());
    }

    /**
     * Reports an adopted process's end once no live process is left in its group. Its members are
     * not svd's children, so no reap says when they are gone: looked for every 20 ms, only here.
     */
    private void clearAdopted(Adopted a, ExitStatus status, long deadline) {
        boolean rest = ProcFs.groupHasLiveMembers(a.pid());
        if (rest && System.nanoTime() < deadline) {
            try {
                clearTimer.schedule(() -> clearAdopted(a, status, deadline), ADOPTED_CLEAR_POLL.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: report now rather than never
            }
        }
        if (rest) {
            log.warn("{}: process group {} still has processes {} after SIGKILL; reporting the exit anyway",
                    a.service(), a.pid(), GROUP_CLEAR_BOUND);
        }
        if (adopted.remove(a.pid()) != null) {
            a.exit().exited(a.pid(), status);
        }
    }

    /**
     * Signals the whole process group led by {@code pid}; falls back to the pid alone if the group
     * is not formed yet. For a service's main process, also every process of the service that left
     * the group (named in a WARN, once), so a stop reaches a setsid daemon as it reaches the group.
     */
    public boolean signalGroup(int pid, Signal signal) {
        boolean sent = Kernel.signalGroup(pid, signal) || Kernel.signalProcess(pid, signal);
        Child child;
        synchronized (spawnLock) {
            child = children.get(pid);
        }
        if (child != null && child.tracked()) {
            for (int escaped : escapes(child, true)) {
                Kernel.signalProcess(escaped, signal);
            }
        }
        return sent;
    }

    /**
     * The live processes of {@code child}'s service outside its process group: in its cgroup, or
     * found through /proc; each named in a WARN the first time. {@code mainAlive}: the main process
     * is not reaped yet, so its descendants can be walked.
     */
    private Set<Integer> escapes(Child child, boolean mainAlive) {
        return escapes(child, mainAlive, true);
    }

    /** @param inCgroup whether the service's cgroup may hold processes; when not, its member list is not read */
    private Set<Integer> escapes(Child child, boolean mainAlive, boolean inCgroup) {
        // Asked per child of svd rather than copied: with 2,000 services a copy of every registered
        // pid at each stop and exit made a stop of all quadratic (docs/benchmarks.md, "Scale").
        Set<Integer> found = Escapes.find(child.service(), mainAlive ? child.pid() : 0, child.pid(), pid -> {
            synchronized (spawnLock) {
                return children.containsKey(pid);
            }
        }, svdChildren());
        if (cgroups.isPresent() && inCgroup) {
            for (int pid : cgroups.get().members(child.service())) {
                if (ProcFs.processGroup(pid) != child.pid() && ProcFs.liveProcess(pid)) {
                    found.add(pid);
                }
            }
        }
        for (int pid : found) {
            if (warned.contains(pid)) {
                continue;
            }
            // The name first, and the warning only with it: the engine (a stop) and the reaper (an
            // exit) look at the same time, and the reaper kills and reaps what it finds. A process
            // already reaped has no name left; the thread that killed it read it first and warned.
            String command = ProcFs.command(pid);
            if (!command.equals("?") && warned.add(pid)) {
                log.warn("{}: pid {} ({}) left the service's process group; svd stops it with the service",
                        child.service(), pid, command);
            }
        }
        return found;
    }

    /**
     * Whether anything of the service is left after its main process ended: its group, its
     * cgroup, or its escapes; what is found is SIGKILLed (again: what a killed process forked
     * just before is found by the next look).
     */
    private boolean leftBehind(Child child) {
        return leftBehind(child, Kernel.groupAlive(child.pid()));
    }

    /**
     * Like {@link #leftBehind(Child)}, with {@code group} (whether the process group is alive) known.
     * The cgroup's cgroup.events first: when nothing is in the cgroup ("populated 0", the usual
     * answer after an exit), its member list is not read.
     */
    private boolean leftBehind(Child child, boolean group) {
        if (!child.tracked()) {
            return group;
        }
        boolean inCgroup = cgroups.isPresent() && cgroups.get().populated(child.service());
        Set<Integer> escaped = escapes(child, false, inCgroup);
        for (int pid : escaped) {
            Kernel.signalProcess(pid, Signal.KILL);
        }
        if (inCgroup) {
            cgroups.get().kill(child.service());
        }
        return group || !escaped.isEmpty() || inCgroup;
    }

    /**
     * The main process was reported gone: its cgroup, empty now, is removed. After the report, so
     * that a restart does not wait for the rmdir ({@link ServiceCgroups#remove} and
     * {@link ServiceCgroups#place} tell how a removal that comes late cannot lose the next start's
     * placement).
     */
    private void released(Child child) {
        if (child.tracked() && cgroups.isPresent()) {
            cgroups.get().remove(child.service());
        }
    }

    public boolean signalProcess(int pid, Signal signal) {
        return Kernel.signalProcess(pid, signal);
    }

    /** svd's children now, or as read less than {@link #CHILDREN_READ_SERVES_NANOS} ago and after the latest reap. */
    private List<Integer> svdChildren() {
        synchronized (childrenRead) {
            long now = System.nanoTime();
            if (svdChildrenReadAt - lastReapBatchAt <= 0 || now - svdChildrenReadAt > CHILDREN_READ_SERVES_NANOS) {
                svdChildren = java.util.Collections.unmodifiableList(ProcFs.childrenOfAllThreads(Kernel.pid()));
                svdChildrenReadAt = System.nanoTime();
            }
            return svdChildren;
        }
    }

    /** On the reaper thread, before the reaps of a batch are told: earlier reads of svd's children are stale. */
    private void batchReaped() {
        synchronized (childrenRead) {
            lastReapBatchAt = System.nanoTime();
        }
    }

    /** Pids of main processes not yet reported as exited. */
    public List<Integer> livePids() {
        synchronized (spawnLock) {
            List<Integer> pids = new ArrayList<>(children.keySet());
            pids.addAll(clearing.keySet());
            pids.addAll(adopted.keySet());
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
        warned.remove(pid);
        for (Map.Entry<Integer, Exited> c : clearing.entrySet()) {
            if (!leftBehind(c.getValue().child())) {
                Exited done = clearing.remove(c.getKey());
                if (done != null) {
                    done.report();
                    released(done.child());
                }
            }
        }
    }

    /** A main process ended: report it once its group is empty, killing what is left of the group. */
    private void mainExited(Child child, ExitStatus status) {
        int pid = child.pid();
        boolean group = Kernel.groupAlive(pid);
        if (group || leftBehind(child, false)) {
            log.debug("{}: pid {} {}; killing the rest of its process group", child.service(), pid, status);
            clearing.put(pid, new Exited(child, status));
            Kernel.signalGroup(pid, Signal.KILL);
            if (!leftBehind(child)) {
                // gone before it was put in clearing: no later reap may come to report it
                if (clearing.remove(pid) != null) {
                    child.report(status);
                    released(child);
                }
                return;
            }
            try {
                clearTimer.schedule(() -> giveUpClearing(pid), GROUP_CLEAR_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                giveUpClearing(pid); // closing: report the exit now rather than never
            }
        } else {
            child.report(status);
            released(child);
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
        Exited stuck = clearing.remove(pgid);
        if (stuck != null) {
            log.warn("{}: process group {} (or processes that left it) still has processes {} after SIGKILL;"
                    + " reporting the exit anyway", stuck.child().service(), pgid, GROUP_CLEAR_BOUND);
            stuck.report();
        }
    }

    /**
     * SIGKILLs every child of svd that is not a live main process: processes that left their
     * service's process group (setsid daemons) and were reparented to svd after their parent died.
     * Returns how many it found. svd calls this last, so nothing of any service survives it.
     */
    public int killStrayChildren() {
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
        adoptedWatch.close();
        pump.close();
    }
}
