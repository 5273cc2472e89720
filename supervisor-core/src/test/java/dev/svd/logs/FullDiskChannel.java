package dev.svd.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A FileChannel over a real one whose writes fail with ENOSPC once {@code room} bytes are used up,
 * and write at most {@code perCall} bytes each (short writes, which the caller must resume).
 */
final class FullDiskChannel extends FileChannel {
    /** Bytes that may still be written across all channels sharing this budget; negative: no limit. */
    static final class Disk {
        long room = -1;
        /** The most bytes one write takes: fewer than asked is a short write, as write(2) may do. */
        int perCall = Integer.MAX_VALUE;

        /** Opens files for appending, as RotatingFile.APPEND does, on this disk. */
        RotatingFile.ChannelOpener opener() {
            return path -> new FullDiskChannel(RotatingFile.APPEND.open(path), this);
        }
    }

    private final FileChannel delegate;
    private final Disk disk;

    FullDiskChannel(FileChannel delegate, Disk disk) {
        this.delegate = delegate;
        this.disk = disk;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (disk.room == 0) {
            throw new IOException("No space left on device");
        }
        if (src.remaining() <= disk.perCall && (disk.room < 0 || src.remaining() <= disk.room)) {
            int written = delegate.write(src);
            disk.room = disk.room < 0 ? -1 : disk.room - written;
            return written;
        }
        int limit = src.limit();
        src.limit(src.position() + (int) Math.min(disk.perCall, disk.room < 0 ? Long.MAX_VALUE : disk.room));
        try {
            int written = delegate.write(src);
            if (disk.room > 0) {
                disk.room -= written;
            }
            return written;
        } finally {
            src.limit(limit);
        }
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        // One buffer after the other through write(ByteBuffer), so a gathering write meets the same
        // full disk; a short write of one ends the call short, as writev(2) does.
        long written = 0;
        for (int i = offset; i < offset + length; i++) {
            while (srcs[i].hasRemaining()) {
                int asked = srcs[i].remaining();
                int n = write(srcs[i]);
                written += n;
                if (n < asked) {
                    return written;
                }
            }
        }
        return written;
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) {
        throw new UnsupportedOperationException();
    }

    /** As on a full file system, cutting a file works and gives its blocks back. */
    @Override
    public FileChannel truncate(long size) throws IOException {
        long freed = Math.max(0, delegate.size() - size);
        delegate.truncate(size);
        if (disk.room >= 0) {
            disk.room += freed;
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst, long position) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }
}
