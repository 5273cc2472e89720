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

    /** {@code seq}: the chunk's arrival number among all chunks of the service (both streams). */
    void accept(ByteBuffer chunk, int from, int to, long seq) {
        tail.add(chunk, from, to, seq);
        LineSink sink = lineSink();
        if (sink == null) {
            splitter.discard();
        } else {
            splitter.split(chunk, from, to, sink);
        }
    }

    /** The stream reached end of file: a held partial line becomes a line, arrived as {@code seq}. */
    void end(long seq) {
        tail.endLine(seq);
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
