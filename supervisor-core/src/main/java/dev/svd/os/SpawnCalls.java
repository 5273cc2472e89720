package dev.svd.os;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;

/**
 * glibc's posix_spawn(3) family, pipe2(2) and fcntl(2), for {@link Spawner}. posix_spawn returns an
 * errno value instead of setting errno; pipe2 and fcntl return -1 and set it (read with
 * {@link Native#getLastError()}). Needs glibc 2.34 (addclosefrom_np); svd checks at start.
 */
interface SpawnCalls extends Library {
    SpawnCalls C = Native.load("c", SpawnCalls.class);

    /** Sizes on x86_64/aarch64 glibc are 80 and 336 bytes; allocated with room to spare. */
    int FILE_ACTIONS_BYTES = 256;
    int ATTR_BYTES = 512;
    int SIGSET_BYTES = 128;

    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    short POSIX_SPAWN_SETSID = 0x80;

    int O_RDONLY = 0;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;
    int F_SETFL = 4;
    int F_SETPIPE_SZ = 1031;
    int F_GETPIPE_SZ = 1032;

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, StringArray argv,
                    StringArray envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer sigset);

    int sigfillset(Pointer sigset);

    int pipe2(int[] fds, int flags);

    int fcntl(int fd, int cmd, int arg);

    int close(int fd);

    String strerror(int errno);

    int getpid();
}
