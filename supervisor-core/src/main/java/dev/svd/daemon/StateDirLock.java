package dev.svd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import dev.svd.os.SafePaths;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One svd per state dir: the state dir records which processes belong to which svd, and an svd
 * that starts stops whatever an earlier one left there. A second svd on the same state dir (a
 * different socket, same config) would stop the first one's services. The lock is
 * {@code state-dir/svd.lock}, held for svd's life; the kernel releases it when svd dies, however it
 * dies, so crash recovery is not blocked by it. The file holds the owner's pid for the message.
 */
final class StateDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StateDirLock acquire(Path stateDir, long pid) throws Daemon.StartupException {
        Path file = stateDir.resolve("svd.lock");
        FileChannel channel = null;
        try {
            // O_NOFOLLOW: a link planted as svd.lock is refused, its target never truncated (issue 12).
            channel = SafePaths.open(file, SafePaths.FILE, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                ByteBuffer held = ByteBuffer.allocate(32);
                channel.read(held, 0);
                String owner = new String(held.array(), 0, held.position(), StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new Daemon.StartupException("another svd (pid " + (owner.isEmpty() ? "unknown" : owner)
                        + ") uses svd.state-dir " + stateDir + "; stop it, or give this svd its own state-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new StateDirLock(channel, lock);
        } catch (SafePaths.UnsafePathException e) {
            throw new Daemon.StartupException("cannot lock " + file + ": " + e.getMessage());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new Daemon.StartupException("cannot lock " + file + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to say than the error being reported
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        closeQuietly(channel);
    }
}
