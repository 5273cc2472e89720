package dev.svd.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The table {@code svctl status} prints (docs/svctl.md): {@code NAME STATE PID UPTIME RESTARTS HEALTH
 * LAST-EXIT}, one service per line after the header, left-aligned columns two spaces apart, {@code -}
 * for a value that is absent. A contract: the human output of {@code svctl status}. svd renders it for
 * a {@code status} request with {@code table} (docs/protocol.md: one string instead of an object per
 * service, which svctl, a fresh JVM each time, parses in a fraction of the time at 2,000 services,
 * issue 16); svctl renders it itself from the services of a reply without {@code table}. Plain text:
 * svctl colours the state column afterwards ({@link #stateColumn}). Single-threaded.
 */
public final class StatusTable {
    private static final String[] HEADER = {"NAME", "STATE", "PID", "UPTIME", "RESTARTS", "HEALTH", "LAST-EXIT"};

    private final List<String[]> rows = new ArrayList<>();

    public StatusTable() {
        rows.add(HEADER);
    }

    /**
     * One service's line. {@code pid} 0 or less: no process; {@code uptimeSeconds} below 0: not up;
     * {@code health} and {@code lastExit} null: absent.
     */
    public void add(String name, String state, long pid, long uptimeSeconds, long restarts, String health,
                    String lastExit) {
        rows.add(new String[] {name, state, pid > 0 ? Long.toString(pid) : "-",
            uptimeSeconds >= 0 ? uptime(uptimeSeconds) : "-", Long.toString(restarts),
            health == null ? "-" : health, lastExit == null ? "-" : lastExit});
    }

    public String render() {
        int[] widths = new int[HEADER.length];
        int size = 0;
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
                size += r[c].length();
            }
        }
        int last = HEADER.length - 1;
        StringBuilder sb = new StringBuilder(size + rows.size() * (2 * last + 1));
        for (String[] r : rows) {
            for (int c = 0; c < last; c++) {
                sb.append(r[c]);
                for (int p = r[c].length(); p < widths[c] + 2; p++) {
                    sb.append(' ');
                }
            }
            sb.append(r[last]).append('\n');
        }
        return sb.toString();
    }

    /**
     * Where each line's state begins in a table this class rendered (the STATE column's offset from
     * the start of a line), or -1 when {@code table} has no header.
     */
    public static int stateColumn(String table) {
        int at = table.indexOf(HEADER[1]);
        int newline = table.indexOf('\n');
        return at >= 0 && (newline < 0 || at < newline) ? at : -1;
    }

    /** An uptime as the table shows it: {@code 42s}, {@code 3m12s}, {@code 5h07m}, {@code 2d3h}. */
    public static String uptime(long s) {
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + two(s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h" + two((s % 3600) / 60) + "m";
        }
        return (s / 86400) + "d" + ((s % 86400) / 3600) + "h";
    }

    private static String two(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }
}
