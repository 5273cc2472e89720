package dev.svd.os;

import com.sun.jna.Native;

/**
 * The calls on the path from a child's death to its report (and on to the restart): waitid(2),
 * kill(2), and open(2)/read(2)/close(2)/rmdir(2) for the few /proc and cgroup files read there.
 * Bound with JNA's direct mapping (static natives, no proxy) and reporting errors by return value
 * (-1, errno from {@link Native#getLastError()}), not by exception: a restart runs this path a few
 * dozen times while the JIT has compiled none of it, and an interface proxy call, or a
 * LastErrorException for the expected ESRCH and ECHILD, runs far more interpreted Java than the
 * call itself (docs/benchmarks.md, "Restart after SIGKILL: the path"). Paths are NUL-terminated
 * bytes, so no string is encoded per call. Stateless; any thread.
 */
final class ReapCalls {
    static {
        Native.register("libc.so.6");
    }

    private ReapCalls() {}

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CLOEXEC = 02000000;
    static final int ENOENT = 2;

    /** siginfo_t is 128 bytes; on Linux si_code is at offset 8, si_pid at 16, si_status at 24. */
    static native int waitid(int idtype, int id, byte[] siginfo, int options);

    static native int kill(int pid, int sig);

    static native int open(byte[] path, int flags);

    static native long read(int fd, byte[] buffer, long count);

    static native int close(int fd);

    static native int rmdir(byte[] path);

    /** {@code path} as NUL-terminated bytes for {@link #open} and {@link #rmdir} (file names here are ASCII or UTF-8). */
    static byte[] path(String path) {
        byte[] s = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(s, s.length + 1);
    }

    /** Opens {@code path} (NUL-terminated) for reading: a descriptor, or -1 with errno in {@link Native#getLastError()}. */
    static int openRead(byte[] path) {
        return open(path, O_RDONLY | O_CLOEXEC);
    }
}
