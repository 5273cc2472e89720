package dev.svd.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices the end of processes that are not svd's children (adopted leftovers: their parent is
 * init or svd's parent, so the reaper never sees them). One thread, {@code svd-adopted}, blocks in
 * epoll_wait on a pidfd per process, which becomes readable when the process ends; started at the
 * first watch, so an svd that adopted nothing has no such thread.
 */
final class PidWatch implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PidWatch.class);
    private static final long WAKE = -1;

    private final IntConsumer ended;
    private final Map<Integer, Integer> pidfds = new ConcurrentHashMap<>(); // pidfd -> pid
    private int epoll = -1;
    private int wake = -1;
    private volatile boolean closing;

    /** @param ended told the pid of each watched process that ended, on the watch thread */
    PidWatch(IntConsumer ended) {
        this.ended = ended;
    }

    /** Watches {@code pid}; false if it cannot (it is already gone, or the kernel has no pidfd). Any thread. */
    synchronized boolean watch(int pid) {
        if (closing) {
            return false;
        }
        int pidfd;
        try {
            pidfd = (int) LibC.C.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
        } catch (LastErrorException e) {
            log.debug("pidfd_open({}) failed: {}", pid, SpawnCalls.strerror(e.getErrorCode()));
            return false;
        }
        startIfNeeded();
        pidfds.put(pidfd, pid);
        Memory event = new Memory(PumpCalls.EPOLL_EVENT_BYTES);
        event.setInt(0, PumpCalls.EPOLLIN);
        event.setLong(PumpCalls.EPOLL_DATA_OFFSET, pidfd);
        if (PumpCalls.epoll_ctl(epoll, PumpCalls.EPOLL_CTL_ADD, pidfd, event) != 0) {
            pidfds.remove(pidfd);
            PumpCalls.close(pidfd);
            return false;
        }
        return true;
    }

    private void startIfNeeded() {
        if (epoll >= 0) {
            return;
        }
        epoll = PumpCalls.epoll_create1(PumpCalls.EPOLL_CLOEXEC);
        wake = PumpCalls.eventfd(0, PumpCalls.EFD_CLOEXEC);
        Memory event = new Memory(PumpCalls.EPOLL_EVENT_BYTES);
        event.setInt(0, PumpCalls.EPOLLIN);
        event.setLong(PumpCalls.EPOLL_DATA_OFFSET, WAKE);
        if (epoll < 0 || wake < 0 || PumpCalls.epoll_ctl(epoll, PumpCalls.EPOLL_CTL_ADD, wake, event) != 0) {
            throw new IllegalStateException("cannot watch adopted processes: errno " + Native.getLastError());
        }
        Thread t = new Thread(this, "svd-adopted");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        Memory events = new Memory(16L * PumpCalls.EPOLL_EVENT_BYTES);
        while (!closing) {
            int n = PumpCalls.epoll_wait(epoll, events, 16, -1);
            if (n < 0 && Native.getLastError() != PumpCalls.EINTR) {
                log.error("epoll_wait on adopted processes failed with errno {}; their ends go unnoticed", Native.getLastError());
                return;
            }
            for (int i = 0; i < n; i++) {
                long data = events.getLong((long) i * PumpCalls.EPOLL_EVENT_BYTES + PumpCalls.EPOLL_DATA_OFFSET);
                if (data == WAKE) {
                    continue;
                }
                int pidfd = (int) data;
                Integer pid = pidfds.remove(pidfd);
                PumpCalls.epoll_ctl(epoll, PumpCalls.EPOLL_CTL_DEL, pidfd, null);
                PumpCalls.close(pidfd);
                if (pid != null && !closing) {
                    ended.accept(pid);
                }
            }
        }
        synchronized (this) {
            pidfds.keySet().forEach(PumpCalls::close);
            PumpCalls.close(wake);
            PumpCalls.close(epoll);
        }
    }

    @Override
    public synchronized void close() {
        closing = true;
        if (wake >= 0) {
            Memory one = new Memory(8);
            one.setLong(0, 1);
            PumpCalls.write(wake, one, 8);
        }
    }
}
