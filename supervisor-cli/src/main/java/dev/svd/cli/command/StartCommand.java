package dev.svd.cli.command;

/** {@code svctl start NAME... [--timeout DUR]}. */
public final class StartCommand extends ActionCommand {
    @Override
    public String name() {
        return "start";
    }

    @Override
    public String summary() {
        return "start services and wait until they are started";
    }

    @Override
    public String details() {
        return actionDetails("running (also takes a failed service out of its start limit)");
    }
}
