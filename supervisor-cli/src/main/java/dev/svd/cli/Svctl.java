package dev.svd.cli;

import dev.svd.cli.client.SvdClient;
import dev.svd.cli.client.Timeouts;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.command.Command;
import dev.svd.cli.command.Commands;
import dev.svd.cli.command.HelpCommand;
import dev.svd.cli.render.Style;
import dev.svd.protocol.Protocol;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code svctl}, the command-line client of svd's control socket. Kept lean on
 * purpose: no libraries, no reflection, no regex, one command class loaded per run, because it
 * starts many times a day (issue 3: at most half the wall time of supervisorctl).
 */
public final class Svctl {
    private Svctl() {}

    public static void main(String[] args) {
        int code = run(args, System.getenv(Protocol.SOCKET_ENV), System.getenv("NO_COLOR"),
                System.getenv(Timeouts.ENV), System.getenv(SvdClient.SOCKET_OWNER_ENV),
                System.console() != null, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line with the default timeouts; returns the exit code. */
    public static int run(String[] argv, String socketEnv, String noColorEnv, boolean terminal,
                          PrintStream out, PrintStream err) {
        return run(argv, socketEnv, noColorEnv, null, null, terminal, out, err);
    }

    /**
     * Runs one command line; returns the exit code. Never exits: tests call this directly.
     *
     * @param timeoutEnv     {@code SVCTL_TIMEOUT}, or null
     * @param socketOwnerEnv {@code SVCTL_SOCKET_OWNER}, or null
     */
    public static int run(String[] argv, String socketEnv, String noColorEnv, String timeoutEnv,
                          String socketOwnerEnv, boolean terminal, PrintStream out, PrintStream err) {
        Style style = Style.detect(noColorEnv, terminal);
        String socket = socketEnv == null || socketEnv.isEmpty() ? Protocol.DEFAULT_SOCKET : socketEnv;
        List<String> rest = new ArrayList<>();
        boolean wantsHelp = false;
        boolean optionsDone = false;
        String commandName = null;
        try {
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                if (!optionsDone && a.equals("--")) {
                    optionsDone = true;
                    rest.add(a);
                } else if (!optionsDone && a.equals("--socket")) {
                    if (i + 1 >= argv.length) {
                        throw new UsageException("option --socket needs a path");
                    }
                    socket = argv[++i];
                } else if (!optionsDone && a.startsWith("--socket=")) {
                    socket = a.substring("--socket=".length());
                } else if (!optionsDone && (a.equals("-h") || a.equals("--help"))) {
                    wantsHelp = true;
                } else if (commandName == null && !optionsDone && a.startsWith("-")) {
                    throw new UsageException("unknown option " + a + " (options go after the command)");
                } else if (commandName == null) {
                    commandName = a;
                } else {
                    rest.add(a);
                }
            }
            if (socket.isEmpty()) {
                throw new UsageException("--socket: empty path");
            }
            Invocation inv = new Invocation(Path.of(socket), out, err, style, Timeouts.fromEnv(timeoutEnv),
                    socketOwnerEnv == null || socketOwnerEnv.isEmpty() ? null : socketOwnerEnv, terminal);
            if (commandName == null) {
                if (wantsHelp) {
                    out.print(HelpCommand.overview());
                    return ExitCodes.OK;
                }
                err.print(HelpCommand.overview());
                return ExitCodes.USAGE;
            }
            Command command = Commands.lookup(commandName);
            if (command == null) {
                throw new UsageException("unknown command \"" + commandName + "\" (svctl help lists them)");
            }
            if (wantsHelp) {
                out.print(HelpCommand.help(command));
                return ExitCodes.OK;
            }
            try {
                return command.run(Args.parse(rest, command.valueOptions(), command.flags(), commandName), inv);
            } catch (UsageException e) {
                err.println("svctl: " + e.getMessage());
                err.println("svctl: usage: svctl " + command.synopsis() + " (svctl help " + commandName + ")");
                return ExitCodes.USAGE;
            }
        } catch (UsageException e) {
            err.println("svctl: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (UnreachableException e) {
            err.println("svctl: " + e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            err.println("svctl: lost the connection to svd at " + socket + ": " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }
}
