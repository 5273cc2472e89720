package dev.svd.logs;

import dev.svd.os.OutputKind;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * {@code svctl logs} over the files (docs/svctl.md, "logs"): the lines of several services that
 * match a query, interleaved by time. Memory is bounded whatever the files' sizes: lines are cut at
 * {@link ServiceLog#MAX_LINE} bytes, {@code --since} and {@code --until} are found by binary search,
 * the last N lines by reading ever larger windows back from the end, and one request holds at most
 * {@link #HOLD_LIMIT} bytes of lines. Used by one thread per request.
 */
public final class LogSearch {
    /** The most bytes of lines one request holds for {@code -n} (docs/svctl.md). */
    public static final long HOLD_LIMIT = 16L * 1024 * 1024;
    /** The first window read back from the end for {@code -n}; each next one is four times as large. */
    static final long FIRST_WINDOW = 64 * 1024;
    /**
     * How far before the {@code --since} point reading starts: a line written in pieces (P records)
     * that began before it and ended after it is shown whole if it began at most this many bytes of
     * output earlier.
     */
    static final long BACK_UP = 64 * 1024;

    /**
     * What to show.
     *
     * @param since  the first time shown (inclusive), or null
     * @param until  the last time shown (inclusive), or null
     * @param grep   lines must contain a match, or null
     * @param stream the one stream shown, or null for both
     * @param lines  the last so many lines of what matches; -1 for all
     */
    public record Query(Long since, Long until, Pattern grep, OutputKind stream, int lines) {
        boolean matches(LogLine line) {
            if (since != null && (!line.timed() || line.millis() < since)) {
                return false;
            }
            if (until != null && line.timed() && line.millis() > until) {
                return false;
            }
            if (stream != null && line.stream() != stream) {
                return false;
            }
            return grep == null || grep.matcher(new BoundedText(line.text())).find();
        }
    }

    /** Where the lines go. */
    public interface Sink {
        void line(LogLine line) throws IOException;
    }

    /**
     * How it went.
     *
     * @param lines     lines sent
     * @param truncated the hold limit dropped lines that {@code -n} asked for
     */
    public record Outcome(int lines, boolean truncated) {}

    /** The grep pattern needed too many steps on one line of {@code service}. */
    public static final class GrepTooCostly extends Exception {
        public GrepTooCostly(String service, LogLine line) {
            super("the expression needed more than " + BoundedText.STEPS + " steps on one line of " + service
                    + (line.timed() ? " (at " + java.time.Instant.ofEpochMilli(line.millis()) + ")" : "")
                    + "; simplify it (nested repetition such as (.*a){20} backtracks for very long)");
        }
    }

    private LogSearch() {
    }

    /** Sends the lines of {@code logs} that match {@code q}, oldest first, services interleaved by time. */
    public static Outcome run(List<ServiceLog> logs, Query q, Sink sink) throws IOException, GrepTooCostly {
        return run(logs, q, sink, HOLD_LIMIT);
    }

    /** As above, holding at most {@code holdLimit} bytes of lines for {@code -n}. */
    static Outcome run(List<ServiceLog> logs, Query q, Sink sink, long holdLimit) throws IOException, GrepTooCostly {
        List<Source> sources = new ArrayList<>();
        boolean truncated = false;
        for (ServiceLog log : logs) {
            long lo = 0;
            long hi = log.total();
            if (q.since() != null) {
                lo = Math.max(0, log.firstAtOrAfter(q.since()) - BACK_UP);
            }
            if (q.until() != null && q.until() < Long.MAX_VALUE) {
                hi = log.firstAtOrAfter(q.until() + 1);
            }
            if (q.lines() < 0) {
                sources.add(new Source(log, log.lines(lo, hi), q));
            } else {
                Window w = lastLines(log, lo, hi, q, holdLimit / Math.max(1, logs.size()));
                truncated |= w.truncated;
                sources.add(new Source(log, w.lines));
            }
        }
        // k-way merge by time; on equal times the service named first goes first.
        PriorityQueue<Source> heads = new PriorityQueue<>((a, b) -> a.head.millis() != b.head.millis()
                ? Long.compare(a.head.millis(), b.head.millis()) : Integer.compare(a.order, b.order));
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            s.order = i;
            if (s.advance()) {
                heads.add(s);
            }
        }
        Deque<LogLine> last = q.lines() >= 0 && sources.size() > 1 ? new ArrayDeque<>() : null;
        int sent = 0;
        while (!heads.isEmpty()) {
            Source s = heads.poll();
            LogLine line = s.head;
            if (last != null) {
                last.addLast(line);
                if (last.size() > q.lines()) {
                    last.removeFirst();
                }
            } else {
                sink.line(line);
                sent++;
            }
            if (s.advance()) {
                heads.add(s);
            }
        }
        if (last != null) {
            for (LogLine line : last) {
                sink.line(line);
                sent++;
            }
        }
        return new Outcome(sent, truncated);
    }

    private record Window(Deque<LogLine> lines, boolean truncated) {}

    /**
     * The last {@code q.lines()} matching lines of {@code [lo, hi)}: reads the last 64 KiB, then
     * ever larger windows (times four) until one holds enough matches or reaches {@code lo}.
     */
    private static Window lastLines(ServiceLog log, long lo, long hi, Query q, long holdLimit)
            throws IOException, GrepTooCostly {
        long window = FIRST_WINDOW;
        while (true) {
            long from = Math.max(lo, hi - window);
            Deque<LogLine> kept = new ArrayDeque<>();
            long bytes = 0;
            long matched = 0;
            boolean truncated = false;
            if (q.lines() > 0) {
                ServiceLog.Lines lines = log.lines(from, hi);
                for (LogLine line = lines.next(); line != null; line = lines.next()) {
                    if (!matches(log, q, line)) {
                        continue;
                    }
                    matched++;
                    kept.addLast(line);
                    bytes += weight(line);
                    while (kept.size() > q.lines() || bytes > holdLimit) {
                        if (kept.size() <= q.lines()) {
                            truncated = true;
                        }
                        bytes -= weight(kept.removeFirst());
                    }
                }
            }
            if (matched >= q.lines() || from == lo) {
                return new Window(kept, truncated);
            }
            window = window > Long.MAX_VALUE / 8 ? Long.MAX_VALUE / 2 : window * 4;
        }
    }

    private static long weight(LogLine line) {
        return 64 + 2L * line.text().length();
    }

    /**
     * Whether a line being followed contains a match; a line on which the pattern needs too many steps
     * does not (following cannot stop for it).
     */
    public static boolean matchesLive(Pattern grep, String line) {
        try {
            return grep.matcher(new BoundedText(line)).find();
        } catch (BoundedText.TooCostly e) {
            return false;
        }
    }

    private static boolean matches(ServiceLog log, Query q, LogLine line) throws GrepTooCostly {
        try {
            return q.matches(line);
        } catch (BoundedText.TooCostly e) {
            throw new GrepTooCostly(log.service(), line);
        }
    }

    /** One service's lines, read lazily (streaming) or held (the last N). */
    private static final class Source {
        private final ServiceLog log;
        private final ServiceLog.Lines lines;
        private final Query query;
        private final Deque<LogLine> held;
        LogLine head;
        int order;

        Source(ServiceLog log, ServiceLog.Lines lines, Query query) {
            this.log = log;
            this.lines = lines;
            this.query = query;
            this.held = null;
        }

        Source(ServiceLog log, Deque<LogLine> held) {
            this.log = log;
            this.lines = null;
            this.query = null;
            this.held = held;
        }

        boolean advance() throws IOException, GrepTooCostly {
            if (held != null) {
                head = held.pollFirst();
                return head != null;
            }
            for (LogLine line = lines.next(); line != null; line = lines.next()) {
                if (matches(log, query, line)) {
                    head = line;
                    return true;
                }
            }
            head = null;
            return false;
        }
    }
}
