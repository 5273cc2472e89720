package dev.svd.cli.client;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Closes svctl's socket when svd takes too long to accept or to answer: closing a channel wakes the
 * thread blocked in it (java.nio.channels.InterruptibleChannel), which then reports the timeout.
 * A thread rather than a selector: it costs svctl's start less (docs/svctl.md, startup time). One
 * per connection; {@link #arm} and {@link #finish} from the connection's thread.
 */
final class Watchdog extends Thread {
    private final SocketChannel channel;
    private long deadline;
    private boolean armed;
    private boolean fired;
    private boolean done;

    Watchdog(SocketChannel channel) {
        super("svctl-timeout");
        this.channel = channel;
        setDaemon(true);
    }

    /** From now on, closes the channel after {@code millis}; 0 waits without limit. */
    synchronized void arm(long millis) {
        armed = millis > 0;
        deadline = System.nanoTime() + millis * 1_000_000L;
        notifyAll();
    }

    /** Whether the channel was closed because the deadline passed. */
    synchronized boolean fired() {
        return fired;
    }

    /** Ends the thread without closing anything. */
    synchronized void finish() {
        done = true;
        notifyAll();
    }

    @Override
    public void run() {
        synchronized (this) {
            try {
                while (!done && !fired) {
                    long left = deadline - System.nanoTime();
                    if (!armed) {
                        wait();
                    } else if (left > 0) {
                        wait(left / 1_000_000L + 1);
                    } else {
                        fired = true;
                    }
                }
            } catch (InterruptedException e) {
                return; // nobody interrupts this thread but the JVM's end
            }
            if (!fired) {
                return;
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the blocked thread reports the timeout; a failing close changes nothing for it
        }
    }
}
