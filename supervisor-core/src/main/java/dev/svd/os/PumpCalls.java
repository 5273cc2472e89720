package dev.svd.os;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The calls on the output pump's hot path, bound with JNA's direct mapping (static natives, no
 * proxy), since they run once or twice per chunk of output. They return -1 and set errno, which
 * {@link Native#getLastError()} reads.
 */
final class PumpCalls {
    static final int EPOLL_CLOEXEC = 02000000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 0x001;
    /** struct epoll_event: u32 events, u64 data; packed on x86_64, aligned elsewhere. */
    static final boolean PACKED_EVENTS = "x86-64".equals(com.sun.jna.Platform.ARCH);
    static final int EPOLL_EVENT_BYTES = PACKED_EVENTS ? 12 : 16;
    static final int EPOLL_DATA_OFFSET = PACKED_EVENTS ? 4 : 8;
    static final int EFD_CLOEXEC = 02000000;
    static final int EFD_NONBLOCK = 04000;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    /** fcntl(2): F_SETFL with O_ASYNC arms a pipe's signal, F_SETOWN_EX and F_SETSIG say which, to whom. */
    static final int F_SETFL = 4;
    static final int F_SETSIG = 10;
    static final int F_SETOWN_EX = 15;
    static final int F_OWNER_TID = 0;
    static final int O_NONBLOCK = 04000;
    static final int O_ASYNC = 020000;
    static final int SIG_BLOCK = 0;
    /** What the kernel sends instead of a queued signal when the queue is full (fcntl(2), F_SETSIG). */
    static final int SIGIO = 29;
    static final int SFD_NONBLOCK = 04000;
    static final int SFD_CLOEXEC = 02000000;
    /** struct signalfd_siginfo: 128 bytes, ssi_signo at 0, ssi_fd at 20 (signalfd(2)). */
    static final int SIGINFO_BYTES = 128;
    static final int SIGINFO_FD_OFFSET = 20;
    static final int SIGSET_BYTES = 128;

    static {
        Native.register("libc.so.6");
    }

    private PumpCalls() {}

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native long read(int fd, Pointer buffer, long count);

    static native long write(int fd, Pointer buffer, long count);

    /** splice(2) flags. */
    static final int SPLICE_F_MOVE = 1;
    static final int SPLICE_F_NONBLOCK = 2;

    /** splice(2): pipe to file in the kernel; {@code offOut} a loff_t the kernel advances (null for a pipe end). */
    static native long splice(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);

    static native int eventfd(int initval, int flags);

    static native int fcntl(int fd, int cmd, int arg);

    /** fcntl with a pointer argument (F_SETOWN_EX's struct f_owner_ex). */
    static native int fcntl(int fd, int cmd, Pointer arg);

    static native int gettid();

    static native int __libc_current_sigrtmin();

    static native int sigemptyset(Pointer set);

    static native int sigaddset(Pointer set, int signal);

    static native int pthread_sigmask(int how, Pointer set, Pointer old);

    /** SIG_IGN as a handler for {@link #signal}. */
    static final Pointer SIG_IGN = new Pointer(1);

    static native Pointer signal(int signal, Pointer handler);

    static native int signalfd(int fd, Pointer mask, int flags);

    static native int close(int fd);
}
