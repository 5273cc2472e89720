package dev.svd.os;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * glibc's posix_spawn(3) family, pipe2(2) and fcntl(2), for {@link Spawner}. posix_spawn returns an
 * errno value instead of setting errno; pipe2 and fcntl return -1 and set it (read with
 * {@link Native#getLastError()}). Needs glibc 2.34 (addclosefrom_np). Bound with JNA's direct
 * mapping: a start of 200 services makes 3,000 of these calls while the JIT is still cold, and an
 * interface proxy runs several times more Java code per call.
 */
final class SpawnCalls {
    static {
        Native.register("libc.so.6");
    }

    private SpawnCalls() {}

    /** Sizes on x86_64/aarch64 glibc are 80 and 336 bytes; allocated with room to spare. */
    static final int FILE_ACTIONS_BYTES = 256;
    static final int ATTR_BYTES = 512;
    static final int SIGSET_BYTES = 128;

    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final short POSIX_SPAWN_SETSID = 0x80;

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int F_SETFL = 4;
    static final int F_SETPIPE_SZ = 1031;
    static final int F_GETPIPE_SZ = 1032;

    /** argv and envp: NULL-terminated vectors of NUL-terminated strings ({@link Spawner#nativeBlock}). */
    static native int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer fileActions);

    static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    static native int sigemptyset(Pointer sigset);

    static native int sigfillset(Pointer sigset);

    static native int pipe2(int[] fds, int flags);

    static native int fcntl(int fd, int cmd, int arg);

    static native int close(int fd);

    static final int EEXIST = 17;

    /** For {@link ServiceCgroups#place}: {@code path} NUL-terminated ({@link ReapCalls#path}); -1 and errno on failure. */
    static native int mkdir(byte[] path, int mode);

    static native long write(int fd, byte[] buffer, long count);

    static native String strerror(int errno);

}
