package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Durations;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code svctl top [NAME...] [-d SECONDS] [-s KEY] [--json]}: the services with their CPU %, resident
 * memory, restarts, state, pid and uptime, refreshed like top(1) in a terminal, or one snapshot when
 * stdout is not one (docs/svctl.md, top). The CPU % comes from two answers of svd's {@code top}
 * request ({@link TopFrame}). Single-threaded, but for the thread that reads keys in a terminal.
 */
public final class TopCommand implements Command {
    /** The default refresh interval, as top(1)'s is about 3 s; 2 s reads better next to svctl's other waits. */
    static final long DEFAULT_INTERVAL_MS = 2000;
    /** The first figures come from two samples this far apart (or the interval, if shorter). */
    static final long FIRST_SAMPLE_MS = 1000;
    static final long MIN_INTERVAL_MS = 100;
    static final long MAX_INTERVAL_MS = 3_600_000;

    @Override
    public String name() {
        return "top";
    }

    @Override
    public String synopsis() {
        return "top [NAME...] [-d SECONDS] [-s KEY] [--json]";
    }

    @Override
    public String summary() {
        return "show the services' CPU %, memory and state, refreshing in a terminal";
    }

    @Override
    public String details() {
        return "Prints NAME STATE HEALTH PID CPU% RSS PROCS RESTARTS UPTIME for each service (all when none are\n"
                + "named). CPU% and RSS cover every process of the service (its process group, and its cgroup when svd\n"
                + "placed it in one); 100 CPU% is one CPU busy.\n"
                + "In a terminal the screen refreshes until q or Ctrl-C; the keys c m n r u s sort by CPU, memory,\n"
                + "name, restarts, uptime, state. Otherwise (piped) one snapshot is printed.\n"
                + "  -d SECONDS  refresh interval (default 2; 0.5, 500ms, 10s also work)\n"
                + "  -s KEY      sort by cpu (default), rss, name, restarts, uptime or state\n"
                + "  --json      one snapshot as {\"interval_ms\",\"services\":[{\"name\",\"state\",\"health\",\"pid\",\n"
                + "              \"cpu_percent\",\"cpu_ms\",\"rss_bytes\",\"processes\",\"restarts\",\"uptime_s\"}]}\n"
                + "Exit: 0, 4 a name is not configured.\n";
    }

    @Override
    public String[] valueOptions() {
        return new String[] {"-d", "-s", "--sort"};
    }

    @Override
    public String[] flags() {
        return new String[] {"--json"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        long interval = args.value("-d") == null ? DEFAULT_INTERVAL_MS : intervalMillis(args.value("-d"));
        String sort = sortKey(args.value("-s") != null ? args.value("-s") : args.value("--sort"));
        JsonObject request = JsonObject.builder().putStrings("names", args.positionals()).build();
        Response first = inv.call(name(), request);
        if (!first.ok()) {
            return inv.fail(first.error());
        }
        int code = ExitCodes.OK;
        for (String unknown : first.result().strings("unknown")) {
            code = inv.fail(ProtocolError.of(ErrorCode.NO_SUCH_SERVICE, "no service named " + unknown));
        }
        if (code != ExitCodes.OK && items(first.result().array("services")).isEmpty()) {
            return code;
        }
        boolean live = inv.terminal() && !args.flag("--json") && code == ExitCodes.OK;
        if (live) {
            return new Screen(inv, request, interval, sort).run(first.result());
        }
        if (!pause(Math.min(interval, FIRST_SAMPLE_MS))) {
            return ExitCodes.OK;
        }
        Response second = inv.call(name(), request);
        if (!second.ok()) {
            return inv.fail(second.error());
        }
        TopFrame frame = TopFrame.of(first.result(), second.result(), sort);
        if (args.flag("--json")) {
            inv.out().println(frame.json());
        } else {
            inv.out().print(frame.table(inv.style()));
        }
        return code;
    }

    /** {@code 2}, {@code 0.5} (seconds), or a duration such as {@code 500ms} or {@code 10s}. */
    static long intervalMillis(String text) throws UsageException {
        long ms;
        if (text.indexOf('.') >= 0) {
            try {
                ms = new BigDecimal(text).movePointRight(3).longValue();
            } catch (NumberFormatException e) {
                ms = -1;
            }
        } else {
            try {
                ms = Durations.parseMillis(text, "top: -d");
            } catch (UsageException e) {
                ms = -1;
            }
        }
        if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
            throw new UsageException("top: -d expects seconds from 0.1 to 3600, such as 2, 0.5 or 500ms (was \""
                    + text + "\")");
        }
        return ms;
    }

    static String sortKey(String key) throws UsageException {
        if (key == null) {
            return "cpu";
        }
        for (String k : TopFrame.SORT_KEYS) {
            if (k.equals(key)) {
                return k;
            }
        }
        throw new UsageException("top: -s expects one of cpu, rss, name, restarts, uptime, state (was \"" + key + "\")");
    }

    /** Sleeps; false when interrupted. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<JsonValue> items(JsonArray a) {
        return a == null ? List.of() : a.items();
    }

    /**
     * The refreshing screen: the terminal in non-canonical mode without echo (stty(1), through
     * /dev/tty) so that one key is read without Enter, ISIG kept so Ctrl-C still ends svctl; the
     * alternate screen and a hidden cursor while it runs. All of it is given back on q, on an error
     * and on Ctrl-C (a shutdown hook).
     */
    private static final class Screen {
        private final Invocation inv;
        private final JsonObject request;
        private final long interval;
        private String sort;
        private final BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();
        private final Terminal terminal = new Terminal();

        Screen(Invocation inv, JsonObject request, long interval, String sort) {
            this.inv = inv;
            this.request = request;
            this.interval = interval;
            this.sort = sort;
        }

        int run(JsonObject first) throws UnreachableException, IOException {
            terminal.enter(inv.out());
            try {
                Thread reader = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        readKeys();
                    }
                }, "svctl-keys");
                reader.setDaemon(true);
                reader.start();
                JsonObject before = first;
                long wait = Math.min(interval, FIRST_SAMPLE_MS);
                while (true) {
                    if (!awaitKey(wait)) {
                        return ExitCodes.OK;
                    }
                    Response r = inv.call("top", request);
                    if (!r.ok()) {
                        terminal.leave(inv.out());
                        return inv.fail(r.error());
                    }
                    draw(TopFrame.of(before, r.result(), sort));
                    before = r.result();
                    wait = interval;
                }
            } finally {
                terminal.leave(inv.out());
            }
        }

        /** Waits up to {@code millis} for keys; a sort key changes the order; false on q, end of input or interrupt. */
        private boolean awaitKey(long millis) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    Integer key = left > 0 ? keys.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (key == null) {
                        return true;
                    }
                    switch (key.intValue()) {
                        case 'q': case 'Q': case -1: return false;
                        case 'c': sort = "cpu"; return true;
                        case 'm': sort = "rss"; return true;
                        case 'n': sort = "name"; return true;
                        case 'r': sort = "restarts"; return true;
                        case 'u': sort = "uptime"; return true;
                        case 's': sort = "state"; return true;
                        default: break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void readKeys() {
            try {
                int c;
                do {
                    c = System.in.read();
                    keys.add(c);
                } while (c >= 0);
            } catch (IOException e) {
                keys.add(-1);
            }
        }

        private void draw(TopFrame frame) {
            int[] size = terminal.size();
            StringBuilder b = new StringBuilder("\u001b[H");
            int running = 0;
            for (TopFrame.Row r : frame.rows()) {
                running += "running".equals(r.service().string("state")) ? 1 : 0;
            }
            String header = "svctl top - " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ", " + frame.rows().size()
                    + " services, " + running + " running; every " + Durations.formatMillis(interval) + ", sorted by "
                    + sort + " (c m n r u s: sort, q: quit)";
            line(b, inv.style().bold(header));
            line(b, "");
            String[] table = frame.table(inv.style()).split("\n");
            int room = size[0] > 0 ? Math.max(1, size[0] - 2) : table.length;
            for (int i = 0; i < table.length && i < room; i++) {
                line(b, i == 0 ? inv.style().bold(table[i]) : table[i]);
            }
            b.append("\u001b[J");
            inv.out().print(b);
            inv.out().flush();
        }

        /** A line that clears what an earlier, longer frame left on it. */
        private static void line(StringBuilder b, String text) {
            b.append(text).append("\u001b[K\n");
        }
    }

    /** The terminal's mode through stty(1) on /dev/tty: saved, changed, and given back once. */
    static final class Terminal {
        private String saved;
        private boolean entered;
        private Thread hook;

        void enter(java.io.PrintStream out) {
            saved = stty("-g");
            stty("-icanon", "-echo", "min", "1", "time", "0");
            out.print("\u001b[?1049h\u001b[?25l\u001b[H\u001b[2J");
            out.flush();
            entered = true;
            hook = new Thread(new Runnable() {
                @Override
                public void run() {
                    restore(out);
                }
            }, "svctl-terminal");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        void leave(java.io.PrintStream out) {
            restore(out);
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs or ran: it restored the terminal
                }
                hook = null;
            }
        }

        private synchronized void restore(java.io.PrintStream out) {
            if (!entered) {
                return;
            }
            entered = false;
            out.print("\u001b[?25h\u001b[?1049l");
            out.flush();
            if (saved != null && !saved.isEmpty()) {
                stty(saved);
            } else {
                stty("sane");
            }
        }

        /** Rows and columns ({@code stty size}), or zeros when unknown. */
        int[] size() {
            String s = stty("size");
            if (s != null) {
                int sp = s.indexOf(' ');
                if (sp > 0) {
                    try {
                        return new int[] {Integer.parseInt(s.substring(0, sp)), Integer.parseInt(s.substring(sp + 1))};
                    } catch (NumberFormatException e) {
                        // fall through
                    }
                }
            }
            return new int[] {0, 0};
        }

        /** Runs stty on the controlling terminal; its output, or null when it failed. */
        private static String stty(String... args) {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "stty";
            System.arraycopy(args, 0, cmd, 1, args.length);
            try {
                Process p = new ProcessBuilder(cmd).redirectInput(new java.io.File("/dev/tty"))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                return p.waitFor() == 0 ? out : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
