package dev.svd.os;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a program with posix_spawn(3), so that it begins exactly as a service should, with no
 * wrapper program: in its own session and process group (POSIX_SPAWN_SETSID), no signal blocked,
 * every signal at its default disposition (a JVM thread blocks SIGQUIT and ignores others), stdin
 * on /dev/null, stdout and stderr on two fresh pipes, no other descriptor of svd's, in its working
 * directory. glibc's posix_spawn reports a failed exec as an error number, so a missing program is
 * a spawn error, never "exited 127". See docs/decisions/0002-own-spawner-and-pump.md.
 */
final class Spawner {
    /** A started process and the read ends of its stdout and stderr pipes (non-blocking, close-on-exec). */
    record Started(int pid, int stdout, int stderr) {}

    private static final SpawnCalls C = SpawnCalls.C;

    private Spawner() {}

    /**
     * Spawns {@code argv} with the executable {@code program} (an absolute path), the environment
     * {@code env} and the working directory {@code dir}.
     */
    static Started spawn(String program, List<String> argv, Map<String, String> env, Path dir) throws SpawnException {
        int[] out = pipe();
        int[] err;
        try {
            err = pipe();
        } catch (SpawnException e) {
            closeAll(out[0], out[1]);
            throw e;
        }
        Memory actions = new Memory(SpawnCalls.FILE_ACTIONS_BYTES);
        Memory attr = new Memory(SpawnCalls.ATTR_BYTES);
        Memory noSignals = new Memory(SpawnCalls.SIGSET_BYTES);
        Memory allSignals = new Memory(SpawnCalls.SIGSET_BYTES);
        IntByReference pid = new IntByReference();
        int rc;
        C.posix_spawn_file_actions_init(actions);
        C.posix_spawnattr_init(attr);
        try {
            C.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", SpawnCalls.O_RDONLY, 0);
            C.posix_spawn_file_actions_adddup2(actions, out[1], 1);
            C.posix_spawn_file_actions_adddup2(actions, err[1], 2);
            C.posix_spawn_file_actions_addchdir_np(actions, dir.toString());
            C.posix_spawn_file_actions_addclosefrom_np(actions, 3);
            C.sigemptyset(noSignals);
            C.sigfillset(allSignals);
            C.posix_spawnattr_setsigmask(attr, noSignals);
            C.posix_spawnattr_setsigdefault(attr, allSignals);
            C.posix_spawnattr_setflags(attr, (short) (SpawnCalls.POSIX_SPAWN_SETSID
                    | SpawnCalls.POSIX_SPAWN_SETSIGMASK | SpawnCalls.POSIX_SPAWN_SETSIGDEF));
            rc = C.posix_spawn(pid, program, actions, attr, strings(argv), strings(environment(env)));
        } finally {
            C.posix_spawn_file_actions_destroy(actions);
            C.posix_spawnattr_destroy(attr);
            closeAll(out[1], err[1]);
        }
        if (rc != 0) {
            closeAll(out[0], err[0]);
            throw new SpawnException(argv.get(0) + ": " + C.strerror(rc).toLowerCase(java.util.Locale.ROOT)
                    + " (posix_spawn " + program + " in " + dir + ")");
        }
        C.fcntl(out[0], SpawnCalls.F_SETFL, SpawnCalls.O_NONBLOCK);
        C.fcntl(err[0], SpawnCalls.F_SETFL, SpawnCalls.O_NONBLOCK);
        return new Started(pid.getValue(), out[0], err[0]);
    }

    private static int[] pipe() throws SpawnException {
        int[] fds = new int[2];
        if (C.pipe2(fds, SpawnCalls.O_CLOEXEC) != 0) {
            int errno = Native.getLastError();
            throw new SpawnException("cannot create a pipe for the output: " + C.strerror(errno)
                    + (errno == 24 ? " (svd has too many open files: raise its descriptor limit)" : ""));
        }
        return fds;
    }

    private static void closeAll(int... fds) {
        for (int fd : fds) {
            C.close(fd);
        }
    }

    private static String[] environment(Map<String, String> env) {
        String[] entries = new String[env.size()];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            entries[i++] = e.getKey() + "=" + e.getValue();
        }
        return entries;
    }

    private static StringArray strings(List<String> argv) {
        return strings(argv.toArray(String[]::new));
    }

    private static StringArray strings(String[] values) {
        return new StringArray(values, StandardCharsets.UTF_8.name());
    }
}
