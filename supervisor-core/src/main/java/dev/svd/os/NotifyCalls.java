package dev.svd.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The socket calls of svd's notify socket ({@link NotifySocket}): an AF_UNIX datagram socket with
 * SO_PASSCRED, read with recvmsg(2) for the sender's SCM_CREDENTIALS (unix(7)). The JDK has no
 * Unix datagram channel and no ancillary data. Layouts are those of Linux on 64-bit (x86_64,
 * aarch64): struct msghdr is 56 bytes, struct iovec 16, struct cmsghdr 16 before its data.
 */
interface NotifyCalls extends Library {
    NotifyCalls C = Native.load("libc.so.6", NotifyCalls.class);

    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 02000000;
    int SOL_SOCKET = 1;
    int SO_PASSCRED = 16;
    int SO_RCVBUF = 8;
    int SCM_RIGHTS = 1;
    int SCM_CREDENTIALS = 2;
    int MSG_TRUNC = 0x20;
    int MSG_CTRUNC = 0x8;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    int SHUT_RDWR = 2;
    int EINTR = 4;
    /** sizeof(struct sockaddr_un.sun_path) (unix(7)): a path needs room for its NUL too. */
    int SUN_PATH_BYTES = 108;

    int MSGHDR_BYTES = 56;
    int MSG_NAME = 0;
    int MSG_NAMELEN = 8;
    int MSG_IOV = 16;
    int MSG_IOVLEN = 24;
    int MSG_CONTROL = 32;
    int MSG_CONTROLLEN = 40;
    int MSG_FLAGS = 48;
    int CMSG_HEADER_BYTES = 16;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int setsockopt(int fd, int level, int option, int[] value, int length) throws LastErrorException;

    long recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    int shutdown(int fd, int how);

    int close(int fd);
}
