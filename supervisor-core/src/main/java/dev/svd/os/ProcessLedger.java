package dev.svd.os;

import dev.svd.config.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * still taken. Entries from another boot or pid namespace are ignored. Room for a process is
 * reserved before it is spawned ({@link #reserve}); a full state-dir refuses the start instead of
 * leaving a process nobody would find. Thread-safe: spawns may run on several threads.
 */
public final class ProcessLedger {
    private static final Logger log = LoggerFactory.getLogger(ProcessLedger.class);
    private static final String HEADER = "svd-processes v1";
    private static final Duration POLL = Duration.ofMillis(20);

    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;

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
        this.spare = stateDir.resolve("processes.next");
        this.identity = identity();
    }

    private final Path spare;
    private boolean dirty;
    /** A process was added since the last write (see {@link #flushAdditions}). */
    private boolean additions;
    /** The UTF-8 length of the entries' lines, newlines included: what {@link #reserve} adds to. */
    private long entryBytes;
    /** Bytes both files hold at least (newline padding after the text), so a write never needs new blocks. */
    private long capacity;
    /** Room promised to spawns under way (the longest line each could need). */
    private long reserved;
    /** Why the last write failed; null when it worked. Starts are refused while it did not. */
    private String writeFailure;
    private boolean exchangeUnsupported;

    /**
     * Promises room for one more process of {@code service} before it is spawned: svd never starts a
     * process it could not record, because after a crash of svd the next one would not find it and
     * start the service a second time (issue 12). Both files grow now, while growing can still
     * fail; every later write fits in blocks the files already have. Pair with {@link #added} or,
     * when the spawn fails, {@link #release}.
     *
     * @throws SpawnException when the files cannot grow (a full state-dir) or the last write failed
     */
    public synchronized void reserve(String service, boolean adoptable) throws SpawnException {
        if (writeFailure != null) {
            write(); // perhaps it works again
        }
        long line = maxLine(service, adoptable);
        String problem = writeFailure != null ? writeFailure : grow(headerBytes() + entryBytes + reserved + line);
        if (problem != null) {
            throw new SpawnException("cannot record the process in " + file + " (" + problem + "), so it is not started:"
                    + " were svd to die, the next svd would not know it runs and would start it a second time;"
                    + " free space in svd.state-dir " + file.getParent(), SpawnException.Kind.LEDGER_UNWRITABLE);
        }
        reserved += line;
    }

    /** Gives back what {@link #reserve} promised, when the spawn failed. */
    public synchronized void release(String service, boolean adoptable) {
        reserved = Math.max(0, reserved - maxLine(service, adoptable));
    }

    /** The longest line a process of {@code service} can take: pid and start time at their widest. */
    private static long maxLine(String service, boolean adoptable) {
        return service.getBytes(StandardCharsets.UTF_8).length + 1 + 10 + 1 + 20 + (adoptable ? 1 + 64 : 0) + 1;
    }

    public synchronized void added(String service, int pid) {
        put(pid, service + "\t" + pid + "\t" + ProcFs.startTime(pid));
        release(service, false);
        dirty = true;
        additions = true;
    }

    /** A process that a later svd may adopt if the service's launch digest is still {@code launchDigest}. */
    public synchronized void added(String service, int pid, String launchDigest) {
        put(pid, service + "\t" + pid + "\t" + ProcFs.startTime(pid) + "\t" + launchDigest);
        release(service, true);
        dirty = true;
        additions = true;
    }

    public synchronized void removed(int pid) {
        String line = entries.remove(pid);
        if (line != null) {
            entryBytes -= lineBytes(line);
            dirty = true;
        }
    }

    private void put(int pid, String line) {
        String old = entries.put(pid, line);
        entryBytes += lineBytes(line) - (old == null ? 0 : lineBytes(old));
    }

    private static long lineBytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    private long headerBytes() {
        return HEADER.length() + 1 + identity.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    /** Writes the file if anything changed: once per batch of spawns, not once per spawn. */
    public synchronized void flush() {
        if (dirty) {
            dirty = false;
            additions = false;
            write();
        }
    }

    /**
     * Writes the file if a process was added since the last write; removals alone wait for the next
     * {@link #flush}. Safe for a later flush: an entry of a process that has ended is one a next svd
     * skips (leftovers: no live group of that id, or a live process with another start time), as it
     * does for the entry of a process that ends between a write and svd's death. The engine calls
     * this while more work is queued and flush once the queue is empty (docs/benchmarks.md, "Scale").
     */
    public synchronized void flushAdditions() {
        if (dirty && additions) {
            flush();
        }
    }

    /**
     * Refuses a link (or anything but a plain file) at {@code processes} or {@code processes.next}:
     * svd writes them as root and never through a link.
     */
    public void refuseLinks() throws SafePaths.UnsafePathException {
        for (Path p : new Path[] {file, spare}) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new SafePaths.UnsafePathException(p + " is " + (Files.isSymbolicLink(p) ? "a symbolic link" : "not a plain file")
                        + "; svd does not write through links (remove it; svd creates the file)");
            }
        }
    }

    private byte[] text() {
        StringBuilder b = new StringBuilder(HEADER).append(' ').append(identity).append('\n');
        for (String line : entries.values()) {
            b.append(line).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The new text goes into the spare file, over blocks it already has (padded with newlines to
     * its size), and the two names are swapped atomically (renameat2 RENAME_EXCHANGE): a reader sees
     * the old list or the new one, and the old file becomes the next spare, blocks and all. Where the
     * file system cannot swap, the file is overwritten in place.
     */
    private void write() {
        byte[] text = text();
        String problem = grow(text.length + reserved);
        if (problem == null) {
            try {
                if (exchangeUnsupported) {
                    overwrite(file, text);
                } else {
                    overwrite(spare, text);
                    exchange();
                }
            } catch (IOException e) {
                problem = e.toString();
            }
        }
        if (problem != null && writeFailure == null) {
            log.warn("cannot record live processes in {}: {} (a restarted svd may not find them; no service is started"
                    + " until it can be written)", file, problem);
        } else if (problem == null && writeFailure != null) {
            log.info("recording live processes in {} works again", file);
        }
        writeFailure = problem;
    }

    /** Makes both files at least {@code needed} bytes (in 4 KiB steps, doubling); null, or why not. */
    private String grow(long needed) {
        if (needed <= capacity) {
            return null;
        }
        long next = Math.max(4096, Math.max(needed, capacity * 2));
        next = (next + 4095) / 4096 * 4096;
        try {
            pad(file, next);
            pad(spare, next);
        } catch (IOException e) {
            return e.toString();
        }
        capacity = next;
        return null;
    }

    /** Appends newlines (real bytes, so the blocks are allocated now) until {@code p} is {@code size} long. */
    private static void pad(Path p, long size) throws IOException {
        try (FileChannel ch = SafePaths.open(p, SafePaths.FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long at = ch.size();
            if (at >= size) {
                return;
            }
            ByteBuffer newlines = newlines((int) (size - at));
            while (newlines.hasRemaining()) {
                at += ch.write(newlines, at);
            }
        }
    }

    /** Writes {@code text} at the start of {@code p} and newlines over the rest, in the blocks it has. */
    private static void overwrite(Path p, byte[] text) throws IOException {
        try (FileChannel ch = SafePaths.open(p, SafePaths.FILE, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer all = newlines((int) Math.max(size, text.length));
            all.put(text).rewind();
            long at = 0;
            while (all.hasRemaining()) {
                at += ch.write(all, at);
            }
        }
    }

    private static ByteBuffer newlines(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) '\n');
        return ByteBuffer.wrap(b);
    }

    private void exchange() throws IOException {
        try {
            LibC.C.renameat2(LibC.AT_FDCWD, spare.toString(), LibC.AT_FDCWD, file.toString(), LibC.RENAME_EXCHANGE);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL && e.getErrorCode() != ENOSYS) {
                throw new IOException("cannot swap " + spare + " and " + file + ": " + SpawnCalls.strerror(e.getErrorCode()));
            }
            exchangeUnsupported = true;
        } catch (UnsatisfiedLinkError e) {
            exchangeUnsupported = true; // a libc older than 2.28
        }
        if (exchangeUnsupported) {
            log.info("{}: the file system cannot swap two names (renameat2 RENAME_EXCHANGE); overwriting the file in place",
                    file);
            overwrite(file, text());
        }
    }

    /** What an earlier svd left running: entries of this boot and pid namespace whose group still exists. */
    public List<Leftover> leftovers() {
        List<Leftover> out = new ArrayList<>();
        List<String> lines;
        try (FileChannel ch = SafePaths.open(file, SafePaths.FILE, StandardOpenOption.READ)) {
            lines = java.util.Arrays.asList(new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(),
                    StandardCharsets.UTF_8).split("\n"));
        } catch (java.nio.file.NoSuchFileException e) {
            return out;
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
            int pid;
            try {
                pid = Integer.parseInt(f[1]);
                Long.parseLong(f[2]);
            } catch (NumberFormatException e) {
                continue; // not a line svd wrote
            }
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
