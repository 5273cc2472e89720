package dev.svd.os;

import dev.svd.config.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file {@code state-dir/processes} naming every live service process group (service, pid, the
 * process's start time from /proc, so a reused pid is not mistaken). If svd is killed, the next svd
 * reads it and stops what is left before it starts anything, so nothing runs twice and no port is
 * still taken. Entries from another boot or pid namespace are ignored. Thread-safe: spawns may run
 * on several threads.
 */
public final class ProcessLedger {
    private static final Logger log = LoggerFactory.getLogger(ProcessLedger.class);
    private static final String HEADER = "svd-processes v1";
    private static final Duration POLL = Duration.ofMillis(20);

    private final Path file;
    private final String identity;
    private final Map<Integer, String> entries = new LinkedHashMap<>();

    /**
     * One group left by an earlier svd: its leader's pid (the group id) and start time, and for a
     * service that may be adopted, the {@code ServiceSpec.launchDigest} it was spawned with.
     */
    public record Leftover(String service, int pgid, boolean leaderAlive, long startTime, Optional<String> launchDigest) {}

    public ProcessLedger(Path stateDir) {
        this.file = stateDir.resolve("processes");
        this.identity = identity();
    }

    private boolean dirty;

    public synchronized void added(String service, int pid) {
        entries.put(pid, service + "\t" + pid + "\t" + ProcFs.startTime(pid));
        dirty = true;
    }

    /** A process that a later svd may adopt if the service's launch digest is still {@code launchDigest}. */
    public synchronized void added(String service, int pid, String launchDigest) {
        entries.put(pid, service + "\t" + pid + "\t" + ProcFs.startTime(pid) + "\t" + launchDigest);
        dirty = true;
    }

    public synchronized void removed(int pid) {
        if (entries.remove(pid) != null) {
            dirty = true;
        }
    }

    /** Writes the file if anything changed: once per batch of spawns, not once per spawn. */
    public synchronized void flush() {
        if (dirty) {
            dirty = false;
            write();
        }
    }

    private void write() {
        StringBuilder b = new StringBuilder(HEADER).append(' ').append(identity).append('\n');
        for (String line : entries.values()) {
            b.append(line).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("cannot record live processes in {}: {} (a restarted svd may not find them)", file, e.toString());
        }
    }

    /** What an earlier svd left running: entries of this boot and pid namespace whose group still exists. */
    public List<Leftover> leftovers() {
        List<Leftover> out = new ArrayList<>();
        List<String> lines;
        try {
            if (!Files.exists(file)) {
                return out;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot read {}: {}", file, e.toString());
            return out;
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER + " " + identity)) {
            return out; // another boot or namespace: its pids mean nothing here
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            if (f.length != 3 && f.length != 4) {
                continue;
            }
            int pid = Integer.parseInt(f[1]);
            boolean sameStart = f[2].equals(Long.toString(ProcFs.startTime(pid)));
            if (Kernel.processAlive(pid) && !sameStart) {
                // The pid was reused, which the kernel does only once no group has it as its id:
                // the recorded group is gone, and this process is a stranger.
                continue;
            }
            boolean leader = sameStart && ProcFs.liveProcess(pid);
            if (leader || groupAlive(pid)) {
                out.add(new Leftover(f[0], pid, leader, Long.parseLong(f[2]),
                        f.length == 4 ? Optional.of(f[3]) : Optional.empty()));
            }
        }
        return out;
    }

    /** Stops every leftover ({@link #stop}). */
    public List<Leftover> stopLeftovers(Duration grace) {
        List<Leftover> found = leftovers();
        stop(found, grace);
        return found;
    }

    /**
     * Stops groups an earlier svd left: SIGTERM to each group, SIGKILL to what remains after
     * {@code grace}; returns once every group is gone (or after one more second of SIGKILL), and
     * writes the ledger anew with only what this svd added (adopted processes). Polls, but only
     * here, once, before svd starts anything.
     */
    public synchronized void stop(List<Leftover> found, Duration grace) {
        if (found.isEmpty()) {
            write();
            return;
        }
        for (Leftover l : found) {
            log.warn("{}: process group {} was left by an earlier svd; stopping it", l.service(), l.pgid());
            Kernel.signalGroup(l.pgid(), Signal.TERM);
            if (l.leaderAlive()) {
                Kernel.signalGroup(l.pgid(), Signal.CONT);
            }
        }
        if (!awaitGone(found, grace)) {
            for (Leftover l : found) {
                if (groupAlive(l.pgid())) {
                    log.warn("{}: process group {} still alive after {}; sending SIGKILL", l.service(), l.pgid(), grace);
                    Kernel.signalGroup(l.pgid(), Signal.KILL);
                }
            }
            awaitGone(found, Duration.ofSeconds(1));
        }
        write();
    }

    /** A group with a member that is not a zombie (zombies wait for an init that may reap late). */
    private static boolean groupAlive(int pgid) {
        return Kernel.groupAlive(pgid) && ProcFs.groupHasLiveMembers(pgid);
    }

    private static boolean awaitGone(List<Leftover> groups, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            boolean any = false;
            for (Leftover l : groups) {
                any |= groupAlive(l.pgid());
            }
            if (!any) {
                return true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** This boot and this pid namespace: pids recorded under another are meaningless. */
    private static String identity() {
        String boot = read(Path.of("/proc/sys/kernel/random/boot_id")).orElse("?").trim();
        String ns;
        try {
            ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            ns = "?";
        }
        return "boot=" + boot + " pidns=" + ns;
    }

    private static Optional<String> read(Path p) {
        try {
            return Optional.of(Files.readString(p));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
