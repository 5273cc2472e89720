package dev.svd.os;

import com.sun.jna.Native;

/**
 * socket(2), setsockopt(2), bind(2), listen(2) and the calls around them, for {@link ListeningSocket}.
 * Each returns -1 and sets errno (read with {@link Native#getLastError()}). Constants are Linux's
 * (the same on x86_64 and aarch64).
 */
final class SocketCalls {
    static {
        Native.register("libc.so.6");
    }

    private SocketCalls() {}

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int F_DUPFD_CLOEXEC = 1030;

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, int[] value, int length);

    static native int bind(int fd, byte[] address, int length);

    static native int listen(int fd, int backlog);

    static native int fcntl(int fd, int cmd, int arg);

    static native int close(int fd);

    static native int chmod(String path, int mode);

    static native int lchown(String path, int owner, int group);

    static native String strerror(int errno);
}
