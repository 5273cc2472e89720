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
    static final int EAGAIN = 11;
    static final int EINTR = 4;

    static {
        Native.register("libc.so.6");
    }

    private PumpCalls() {}

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native long read(int fd, Pointer buffer, long count);

    static native long write(int fd, Pointer buffer, long count);

    static native int eventfd(int initval, int flags);

    static native int fcntl(int fd, int cmd, int arg);

    static native int close(int fd);
}
