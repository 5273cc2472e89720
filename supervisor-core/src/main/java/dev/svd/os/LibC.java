package dev.svd.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few libc calls svd needs and the JDK does not offer (kill(2) and waitid(2) are in
 * {@link ReapCalls}, with their constants here): prctl(2) for the child subreaper, pthread_sigmask(3),
 * mkfifo(3) and open(2) for the named pipes of adoptable services, pidfd_open(2) to watch them,
 * getrlimit(2) and setrlimit(2) for svd's descriptor limit.
 * Package-private: only {@code dev.svd.os} talks to the kernel.
 */
interface LibC extends Library {
    LibC C = Native.load("libc.so.6", LibC.class);

    int ESRCH = 3;
    int EINTR = 4;
    int ECHILD = 10;
    int EPERM = 1;

    int P_ALL = 0;
    int WEXITED = 4;
    int WNOHANG = 1;

    int CLD_EXITED = 1;
    int CLD_KILLED = 2;
    int CLD_DUMPED = 3;

    int PR_SET_CHILD_SUBREAPER = 36;
    int PR_SET_NAME = 15;

    int SIG_BLOCK = 0;
    int SIG_UNBLOCK = 1;
    int SIG_SETMASK = 2;

    int getpid();

    int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    /** For SO_PEERCRED: {@code optlen} is in and out (one int). */
    int getsockopt(int fd, int level, int optname, byte[] optval, int[] optlen) throws LastErrorException;

    int O_WRONLY = 1;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;
    /** pidfd_open(2), the same number on x86_64 and aarch64; called through syscall(2) (glibc < 2.36 has no wrapper). */
    long SYS_PIDFD_OPEN = 434;

    int mkfifo(String path, int mode) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    /** O_NOFOLLOW differs between architectures (asm-generic vs x86). */
    int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0100000 : 0400000;
    int O_PATH = 010000000;

    int close(int fd);

    int geteuid();

    /** renameat2(2) with RENAME_EXCHANGE swaps two names atomically (glibc 2.28+). */
    int AT_FDCWD = -100;
    int RENAME_EXCHANGE = 2;

    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags) throws LastErrorException;

    long syscall(long number, Object... args) throws LastErrorException;

    /** RLIMIT_NOFILE in asm-generic/resource.h (x86_64 and aarch64). */
    int RLIMIT_NOFILE = 7;

    /** struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; }: two 64-bit numbers. */
    int getrlimit(int resource, long[] rlim) throws LastErrorException;

    int setrlimit(int resource, long[] rlim) throws LastErrorException;

    /** sigset_t is 1024 bits in glibc. */
    int pthread_sigmask(int how, long[] set, long[] oldset);
}
