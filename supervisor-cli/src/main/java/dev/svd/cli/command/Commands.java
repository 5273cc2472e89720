package dev.svd.cli.command;

/**
 * The one list of svctl's commands. {@link #lookup} builds only the command asked for, so a run
 * loads one command class (startup time, docs/decisions/0004 §4).
 */
public final class Commands {
    /** In the order {@code svctl help} lists them. */
    public static final String[] NAMES = {
        "status", "start", "stop", "restart", "reload", "signal", "logs", "events", "jobs", "run", "certs",
        "reread", "update", "show", "top", "shutdown", "version", "help", "completion",
    };

    private Commands() {}

    /** The command with this name, or null. */
    public static Command lookup(String name) {
        switch (name) {
            case "status": return new StatusCommand();
            case "top": return new TopCommand();
            case "start": return new StartCommand();
            case "stop": return new StopCommand();
            case "restart": return new RestartCommand();
            case "reload": return new ReloadCommand();
            case "signal": return new SignalCommand();
            case "logs": return new LogsCommand();
            case "events": return new EventsCommand();
            case "jobs": return new JobsCommand();
            case "run": return new RunCommand();
            case "certs": return new CertsCommand();
            case "reread": return new RereadCommand();
            case "update": return new UpdateCommand();
            case "show": return new ShowCommand();
            case "shutdown": return new ShutdownCommand();
            case "version": return new VersionCommand();
            case "help": return new HelpCommand();
            case "completion": return new CompletionCommand();
            default: return null;
        }
    }
}
