package dev.svd.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A ConsoleSink that keeps everything and counts the calls. */
final class RecordingSink implements ConsoleSink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int writes;

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
        bytes.write(data, offset, length);
        writes++;
    }

    synchronized byte[] bytes() {
        return bytes.toByteArray();
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    synchronized int writes() {
        return writes;
    }
}
