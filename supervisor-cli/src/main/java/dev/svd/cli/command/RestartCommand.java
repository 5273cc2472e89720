package dev.svd.cli.command;

/** {@code svctl restart NAME... [--timeout DUR]}. */
public final class RestartCommand extends ActionCommand {
    @Override
    public String name() {
        return "restart";
    }

    @Override
    public String summary() {
        return "restart services and wait until they are restarted";
    }

    @Override
    public String details() {
        return actionDetails("running again");
    }
}
