package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;

/**
 * {@code svctl completion bash|zsh}: a completion script built from {@link Commands}, so it never
 * drifts from the commands. Service names come from {@code svctl status --json} at completion time.
 */
public final class CompletionCommand implements Command {
    /** Extracts service names from status --json without jq. */
    private static final String NAMES = "svctl status --json 2>/dev/null | tr '{' '\\n' | "
            + "sed -n 's/.*\"name\":\"\\([^\"]*\\)\".*/\\1/p'";

    @Override
    public String name() {
        return "completion";
    }

    @Override
    public String synopsis() {
        return "completion bash|zsh";
    }

    @Override
    public String summary() {
        return "print a shell completion script";
    }

    @Override
    public String details() {
        return "bash: source <(svctl completion bash)   zsh: source <(svctl completion zsh)\n";
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException {
        args.expectPositionals(1, "bash or zsh", name());
        String shell = args.positionals().get(0);
        if (shell.equals("bash")) {
            inv.out().print(bash());
        } else if (shell.equals("zsh")) {
            inv.out().print(zsh());
        } else {
            throw new UsageException("completion: unsupported shell \"" + shell + "\" (bash or zsh)");
        }
        return ExitCodes.OK;
    }

    static String bash() {
        StringBuilder sb = new StringBuilder("# bash completion for svctl; source <(svctl completion bash)\n")
                .append("_svctl() {\n")
                .append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" i\n")
                .append("  for ((i = 1; i < COMP_CWORD; i++)); do\n")
                .append("    case \"${COMP_WORDS[i]}\" in --socket) ((i++));; -*) ;; *) cmd=\"${COMP_WORDS[i]}\"; break;; esac\n")
                .append("  done\n")
                .append("  if [ -z \"$cmd\" ]; then\n")
                .append("    COMPREPLY=($(compgen -W \"").append(String.join(" ", Commands.NAMES))
                .append(" --socket --help\" -- \"$cur\")); return\n")
                .append("  fi\n")
                .append("  case \"$cmd\" in\n");
        for (String name : Commands.NAMES) {
            Command c = Commands.lookup(name);
            sb.append("    ").append(name).append(") ");
            String opts = options(c);
            if (takesServices(name)) {
                sb.append("if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"").append(opts)
                        .append("\" -- \"$cur\")); else COMPREPLY=($(compgen -W \"$(").append(NAMES)
                        .append(")\" -- \"$cur\")); fi;;\n");
            } else if (name.equals("help")) {
                sb.append("COMPREPLY=($(compgen -W \"").append(String.join(" ", Commands.NAMES)).append("\" -- \"$cur\"));;\n");
            } else if (name.equals("completion")) {
                sb.append("COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\"));;\n");
            } else if (name.equals("signal")) {
                sb.append("COMPREPLY=($(compgen -W \"$(").append(NAMES)
                        .append(") HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH\" -- \"$cur\"));;\n");
            } else {
                sb.append("COMPREPLY=($(compgen -W \"").append(opts).append("\" -- \"$cur\"));;\n");
            }
        }
        return sb.append("  esac\n}\ncomplete -F _svctl svctl\n").toString();
    }

    static String zsh() {
        StringBuilder sb = new StringBuilder("#compdef svctl\n# zsh completion for svctl; source <(svctl completion zsh)\n")
                .append("_svctl() {\n")
                .append("  local -a cmds\n  cmds=(\n");
        for (String name : Commands.NAMES) {
            Command c = Commands.lookup(name);
            sb.append("    '").append(name).append(':').append(c.summary().replace("'", "")).append("'\n");
        }
        sb.append("  )\n")
                .append("  if (( CURRENT == 2 )); then _describe 'command' cmds; return; fi\n")
                .append("  case \"$words[2]\" in\n");
        for (String name : Commands.NAMES) {
            Command c = Commands.lookup(name);
            String opts = options(c);
            sb.append("    ").append(name).append(") ");
            if (takesServices(name) || name.equals("signal")) {
                sb.append("compadd -- ").append(opts).append(" ${(f)\"$(").append(NAMES).append(")\"};;\n");
            } else if (name.equals("help")) {
                sb.append("compadd -- ").append(String.join(" ", Commands.NAMES)).append(";;\n");
            } else if (name.equals("completion")) {
                sb.append("compadd -- bash zsh;;\n");
            } else {
                sb.append("compadd -- ").append(opts).append(";;\n");
            }
        }
        return sb.append("  esac\n}\ncompdef _svctl svctl\n").toString();
    }

    private static boolean takesServices(String name) {
        switch (name) {
            case "status": case "start": case "stop": case "restart": case "reload": case "logs": case "show": case "top":
                return true;
            default:
                return false;
        }
    }

    private static String options(Command c) {
        StringBuilder sb = new StringBuilder("--help");
        for (String o : c.valueOptions()) {
            sb.append(' ').append(o);
        }
        for (String o : c.flags()) {
            sb.append(' ').append(o);
        }
        return sb.toString();
    }
}
