package dev.svd.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a program with posix_spawn(3), so that it begins exactly as a service should, with no
 * wrapper program: in its own session and process group (POSIX_SPAWN_SETSID), no signal blocked,
 * every signal at its default disposition (a JVM thread blocks SIGQUIT and ignores others), stdin
 * on /dev/null, stdout and stderr on two fresh pipes (or the named pipes of {@link OutputFifos}),
 * no other descriptor of svd's, in its working
 * directory. glibc's posix_spawn reports a failed exec as an error number, so a missing program is
 * a spawn error, never "exited 127". See docs/decisions/0002-own-spawner-and-pump.md.
 */
final class Spawner {
    /** A started process and the read ends of its stdout and stderr pipes (non-blocking, close-on-exec). */
    record Started(int pid, int stdout, int stderr) {}

    /** Both ends of the child's stdout and stderr pipes; the spawn closes the write ends. */
    record Stdio(int stdoutRead, int stdoutWrite, int stderrRead, int stderrWrite) {
        /** Two fresh anonymous pipes, close-on-exec. */
        static Stdio pipes() throws SpawnException {
            int[] out = pipe();
            try {
                int[] err = pipe();
                return new Stdio(out[0], out[1], err[0], err[1]);
            } catch (SpawnException e) {
                closeAll(out[0], out[1]);
                throw e;
            }
        }
    }

    /**
     * The child's signal mask (none blocked) and the signals it resets to their default (all), made
     * once: posix_spawnattr_setsigmask and setsigdefault copy them into the attributes.
     */
    private static final Memory NO_SIGNALS = signals(false);
    private static final Memory ALL_SIGNALS = signals(true);

    private Spawner() {}

    private static Memory signals(boolean all) {
        Memory set = new Memory(SpawnCalls.SIGSET_BYTES);
        if (all) {
            SpawnCalls.sigfillset(set);
        } else {
            SpawnCalls.sigemptyset(set);
        }
        return set;
    }

    /**
     * Spawns {@code argv} with the executable {@code program} (an absolute path), the environment
     * {@code env} and the working directory {@code dir}.
     */
    static Started spawn(String program, List<String> argv, Map<String, String> env, Path dir) throws SpawnException {
        return spawn(program, argv, env, dir, Stdio.pipes());
    }

    /** Like {@link #spawn(String, List, Map, Path)}, with stdout and stderr on the given pipes. */
    static Started spawn(String program, List<String> argv, Map<String, String> env, Path dir, Stdio stdio)
            throws SpawnException {
        return spawn(program, argv, env, dir, stdio, List.of());
    }

    /**
     * Like {@link #spawn(String, List, Map, Path, Stdio)}, with {@code passed} (svd's descriptors, all
     * at {@link ListeningSocket#FIRST_FD} or above) at fd 3, 4, ... in order: dup2 clears their
     * close-on-exec, and every other descriptor is closed from 3 + their count on.
     */
    static Started spawn(String program, List<String> argv, Map<String, String> env, Path dir, Stdio stdio,
                         List<Integer> passed) throws SpawnException {
        for (int fd : passed) {
            if (fd < 3 + passed.size()) { // a source equal to its target would keep close-on-exec (glibc < 2.38)
                closeAll(stdio.stdoutRead(), stdio.stdoutWrite(), stdio.stderrRead(), stdio.stderrWrite());
                throw new SpawnException("internal error: socket descriptor " + fd + " is below " + (3 + passed.size()));
            }
        }
        // One native block per spawn, freed as soon as posix_spawn returns (the child has exec'd or
        // failed by then): JNA frees a Memory it was not told to close only after a collection finds
        // it, and a start of 2,000 services left ~23,000 such objects (file actions, attributes,
        // one native string per argument and variable) waiting for one (docs/benchmarks.md, "Scale").
        Memory block = nativeBlock(argv, env);
        Pointer actions = block.share(0, SpawnCalls.FILE_ACTIONS_BYTES);
        Pointer attr = block.share(SpawnCalls.FILE_ACTIONS_BYTES, SpawnCalls.ATTR_BYTES);
        long vectors = SpawnCalls.FILE_ACTIONS_BYTES + SpawnCalls.ATTR_BYTES;
        int[] pid = new int[1];
        int rc;
        SpawnCalls.posix_spawn_file_actions_init(actions);
        SpawnCalls.posix_spawnattr_init(attr);
        try {
            SpawnCalls.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", SpawnCalls.O_RDONLY, 0);
            SpawnCalls.posix_spawn_file_actions_adddup2(actions, stdio.stdoutWrite(), 1);
            SpawnCalls.posix_spawn_file_actions_adddup2(actions, stdio.stderrWrite(), 2);
            SpawnCalls.posix_spawn_file_actions_addchdir_np(actions, dir.toString());
            for (int i = 0; i < passed.size(); i++) {
                SpawnCalls.posix_spawn_file_actions_adddup2(actions, passed.get(i), 3 + i);
            }
            SpawnCalls.posix_spawn_file_actions_addclosefrom_np(actions, 3 + passed.size());
            SpawnCalls.posix_spawnattr_setsigmask(attr, NO_SIGNALS);
            SpawnCalls.posix_spawnattr_setsigdefault(attr, ALL_SIGNALS);
            SpawnCalls.posix_spawnattr_setflags(attr, (short) (SpawnCalls.POSIX_SPAWN_SETSID
                    | SpawnCalls.POSIX_SPAWN_SETSIGMASK | SpawnCalls.POSIX_SPAWN_SETSIGDEF));
            rc = SpawnCalls.posix_spawn(pid, program, actions, attr, block.share(vectors),
                    block.share(vectors + (long) Native.POINTER_SIZE * (argv.size() + 1)));
        } finally {
            SpawnCalls.posix_spawn_file_actions_destroy(actions);
            SpawnCalls.posix_spawnattr_destroy(attr);
            block.close();
            closeAll(stdio.stdoutWrite(), stdio.stderrWrite());
        }
        if (rc != 0) {
            closeAll(stdio.stdoutRead(), stdio.stderrRead());
            throw new SpawnException(argv.get(0) + ": " + SpawnCalls.strerror(rc).toLowerCase(java.util.Locale.ROOT)
                    + " (posix_spawn " + program + " in " + dir + ")", SpawnException.kindOf(rc));
        }
        SpawnCalls.fcntl(stdio.stdoutRead(), SpawnCalls.F_SETFL, SpawnCalls.O_NONBLOCK);
        SpawnCalls.fcntl(stdio.stderrRead(), SpawnCalls.F_SETFL, SpawnCalls.O_NONBLOCK);
        return new Started(pid[0], stdio.stdoutRead(), stdio.stderrRead());
    }

    private static int[] pipe() throws SpawnException {
        int[] fds = new int[2];
        if (SpawnCalls.pipe2(fds, SpawnCalls.O_CLOEXEC) != 0) {
            int errno = Native.getLastError();
            SpawnException.Kind kind = SpawnException.kindOf(errno);
            throw new SpawnException("cannot create a pipe for the output: " + SpawnCalls.strerror(errno)
                    + (kind == SpawnException.Kind.FD_SHORTAGE
                    ? " (svd is out of file descriptors: raise its limit, see docs/daemon.md)" : ""), kind);
        }
        return fds;
    }

    private static void closeAll(int... fds) {
        for (int fd : fds) {
            SpawnCalls.close(fd);
        }
    }

    /**
     * The file actions and attributes (uninitialised), then argv and envp as NULL-terminated
     * pointer vectors, then their strings (UTF-8, each NUL-terminated) that the vectors point to:
     * all of a spawn's native memory in one allocation.
     */
    static Memory nativeBlock(List<String> argv, Map<String, String> env) {
        int count = argv.size() + env.size();
        byte[][] strings = new byte[count][];
        int i = 0;
        long bytes = 0;
        for (String arg : argv) {
            strings[i] = arg.getBytes(StandardCharsets.UTF_8);
            bytes += strings[i++].length + 1;
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            strings[i] = (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8);
            bytes += strings[i++].length + 1;
        }
        long vectors = SpawnCalls.FILE_ACTIONS_BYTES + SpawnCalls.ATTR_BYTES;
        long text = vectors + (long) Native.POINTER_SIZE * (count + 2);
        Memory block = new Memory(text + bytes);
        long base = Pointer.nativeValue(block);
        long slot = vectors;
        long at = text;
        for (int k = 0; k < count; k++) {
            if (k == argv.size()) {
                setAddress(block, slot, 0); // argv's end; envp follows
                slot += Native.POINTER_SIZE;
            }
            block.write(at, strings[k], 0, strings[k].length);
            block.setByte(at + strings[k].length, (byte) 0);
            setAddress(block, slot, base + at);
            slot += Native.POINTER_SIZE;
            at += strings[k].length + 1;
        }
        if (env.isEmpty()) {
            setAddress(block, slot, 0); // argv's end
            slot += Native.POINTER_SIZE;
        }
        setAddress(block, slot, 0); // envp's end
        return block;
    }

    private static void setAddress(Memory block, long offset, long address) {
        if (Native.POINTER_SIZE == 8) {
            block.setLong(offset, address);
        } else {
            block.setInt(offset, (int) address);
        }
    }
}
