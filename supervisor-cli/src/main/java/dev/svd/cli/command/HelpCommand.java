package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.protocol.Protocol;

/** {@code svctl help [COMMAND]}: the list of commands, or one command's help. */
public final class HelpCommand implements Command {
    @Override
    public String name() {
        return "help";
    }

    @Override
    public String synopsis() {
        return "help [COMMAND]";
    }

    @Override
    public String summary() {
        return "show this list, or a command's options and exit codes";
    }

    @Override
    public String details() {
        return "";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException {
        if (args.positionals().isEmpty()) {
            inv.out().print(overview());
            return ExitCodes.OK;
        }
        args.expectPositionals(1, "at most one command name", name());
        Command c = Commands.lookup(args.positionals().get(0));
        if (c == null) {
            throw new UsageException("no command named \"" + args.positionals().get(0) + "\"");
        }
        inv.out().print(help(c));
        return ExitCodes.OK;
    }

    public static String overview() {
        StringBuilder sb = new StringBuilder("usage: svctl [--socket PATH] COMMAND [ARGS...]\n\ncommands:\n");
        for (String name : Commands.NAMES) {
            Command c = Commands.lookup(name);
            sb.append("  ").append(c.synopsis());
            for (int p = c.synopsis().length(); p < 36; p++) {
                sb.append(' ');
            }
            sb.append(' ').append(c.summary()).append('\n');
        }
        sb.append("\noptions:\n  --socket PATH   svd's control socket (default: $").append(Protocol.SOCKET_ENV)
                .append(", else ").append(Protocol.DEFAULT_SOCKET).append(")\n")
                .append("  -h, --help      help, also after a command\n")
                .append("\nexit codes: 0 ok, 1 an operation failed, 2 usage error, 3 not running,\n")
                .append("            4 unknown service, 69 svd unreachable\n");
        return sb.toString();
    }

    public static String help(Command c) {
        return "usage: svctl " + c.synopsis() + "\n\n" + c.summary() + "\n\n" + c.details();
    }
}
