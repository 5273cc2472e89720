package dev.svd.os;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the bytes of each stream and opens a latch when both pipes reached end of file. */
final class CountingListener implements OutputListener {
    final AtomicLong stdout = new AtomicLong();
    final AtomicLong stderr = new AtomicLong();
    final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void output(OutputKind stream, ByteBuffer bytes) {
        (stream == OutputKind.STDOUT ? stdout : stderr).addAndGet(bytes.remaining());
        bytes.position(bytes.limit());
    }

    @Override
    public void closed() {
        closed.countDown();
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }
}
