package dev.svd.health;

import java.net.InetAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;

/** What attempts get from the prober's thread: its selector, a way back onto it, and name lookup off it. */
interface ProbeIo {
    /** Called on the prober's thread when a channel registered with this as attachment is ready. */
    interface Ready {
        void ready(SelectionKey key);
    }

    Selector selector();

    /** Runs {@code task} on the prober's thread, soon. Any thread. */
    void post(Runnable task);

    /** Looks {@code host} up off the prober's thread (a lookup blocks); completes on another thread. */
    CompletableFuture<InetAddress> resolve(String host);
}
