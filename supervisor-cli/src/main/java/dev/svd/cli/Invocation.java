package dev.svd.cli;

import dev.svd.cli.client.SvdClient;
import dev.svd.cli.client.Timeouts;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.ErrorTable;
import dev.svd.cli.render.Style;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.ProtocolError;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What one svctl run works with: the socket, how long to wait for svd, whose socket to trust,
 * stdout for results, stderr for diagnostics, and the colour decision. Single-threaded.
 */
public final class Invocation {
    private final Path socket;
    private final PrintStream out;
    private final PrintStream err;
    private final Style style;
    private final Timeouts timeouts;
    private final String trustedOwner;
    private final boolean terminal;

    public Invocation(Path socket, PrintStream out, PrintStream err, Style style) {
        this(socket, out, err, style, Timeouts.DEFAULT, null);
    }

    public Invocation(Path socket, PrintStream out, PrintStream err, Style style, Timeouts timeouts,
                      String trustedOwner) {
        this(socket, out, err, style, timeouts, trustedOwner, false);
    }

    /**
     * @param trustedOwner one more user whose socket is svd's ({@code SVCTL_SOCKET_OWNER}), or null
     * @param terminal     whether svctl talks to a terminal ({@code System.console() != null}: stdin and
     *                     stdout both are one)
     */
    public Invocation(Path socket, PrintStream out, PrintStream err, Style style, Timeouts timeouts,
                      String trustedOwner, boolean terminal) {
        this.socket = socket;
        this.out = out;
        this.err = err;
        this.style = style;
        this.timeouts = timeouts;
        this.trustedOwner = trustedOwner;
        this.terminal = terminal;
    }

    /** Whether stdin and stdout are a terminal (an interactive {@code svctl top}). */
    public boolean terminal() {
        return terminal;
    }

    public Path socket() {
        return socket;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Style style() {
        return style;
    }

    public SvdClient connect() throws UnreachableException {
        return SvdClient.connect(socket, timeouts, trustedOwner);
    }

    /** One request on a fresh connection; returns svd's final answer. */
    public Response call(String cmd, JsonObject args) throws UnreachableException, IOException {
        try (SvdClient client = connect()) {
            return client.call(cmd, args);
        }
    }

    /** A streaming request: each item goes to {@code sink}; returns the exit code for the final answer. */
    public int stream(String cmd, JsonObject args, SvdClient.ItemSink sink) throws UnreachableException, IOException {
        Response r;
        try (SvdClient client = connect()) {
            r = client.stream(cmd, args, sink);
        }
        return r.ok() ? ExitCodes.OK : fail(r.error());
    }

    /** Prints a diagnostic line on stderr, prefixed {@code svctl:}. */
    public void diagnostic(String message) {
        err.print("svctl: ");
        err.println(message);
    }

    /** Prints an error svd answered and returns the exit code for it, from the one table. */
    public int fail(ProtocolError error) {
        err.print(ErrorTable.message(error));
        return ErrorTable.exitCode(error);
    }
}
