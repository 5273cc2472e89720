package dev.svd.logs;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * The line side of one stream of one service: its tail, its followers and its console lines.
 * {@link #accept} and {@link #end} on the pump thread; {@link #tail} and {@link #follow} from any.
 */
final class StreamLines {
    private final LineSplitter splitter = new LineSplitter();
    private final TailBuffer tail;
    private final Followers followers;
    private final LineSink console;
    private final LineSink consoleAndFollowers;

    /** {@code console} is null when the service's lines do not go to the console. */
    StreamLines(String service, int tailLines, LineSink console) {
        this.tail = new TailBuffer(tailLines);
        this.followers = new Followers(service);
        this.console = console;
        this.consoleAndFollowers = (head, headLength, chunk, from, to) -> {
            console.line(head, headLength, chunk, from, to);
            followers.line(head, headLength, chunk, from, to);
        };
    }

    /**
     * {@code seq}: the chunk's arrival number among all chunks of the service (both streams);
     * {@code time}: when it was read (epoch ms).
     */
    void accept(ByteBuffer chunk, int from, int to, long seq, long time) {
        tail.add(chunk, from, to, seq, time);
        LineSink sink = lineSink();
        if (sink == null) {
            splitter.discard();
        } else {
            splitter.split(chunk, from, to, sink);
        }
    }

    /** Bytes that went to the file by splice, read back: for the tail only (never the console or followers: they are old). */
    void tailOnly(ByteBuffer chunk, int from, int to, long seq, long time) {
        tail.add(chunk, from, to, seq, time);
        splitter.discard();
    }

    /** Some bytes of this stream will never reach the tail (read back too late): it starts again after them. */
    void gap() {
        tail.gap();
    }

    /** Whether {@link #accept} cuts chunks into lines now (console or followers), or only keeps the tail. */
    boolean linesWanted() {
        return lineSink() != null;
    }

    /** Someone follows this stream: its bytes must come through {@link #accept}. */
    boolean followed() {
        return followers.active();
    }

    /** The stream reached end of file: a held partial line becomes a line, arrived as {@code seq} at {@code time}. */
    void end(long seq, long time) {
        tail.endLine(seq, time);
        LineSink sink = lineSink();
        if (sink == null) {
            splitter.discard();
        } else {
            splitter.flush(sink);
        }
    }

    List<String> tail(int n) {
        return tail.last(n);
    }

    List<TailBuffer.Line> tailLines(int n) {
        return tail.lastLines(n);
    }

    AutoCloseable follow(Consumer<String> sink) {
        return followers.add(sink);
    }

    /** Who wants this stream's lines now; null when nobody does, so the chunk is not even scanned. */
    private LineSink lineSink() {
        boolean following = followers.active();
        if (console == null) {
            return following ? followers : null;
        }
        return following ? consoleAndFollowers : console;
    }
}
