package dev.svd.cli.command;

/** {@code svctl stop NAME... [--timeout DUR]}. */
public final class StopCommand extends ActionCommand {
    @Override
    public String name() {
        return "stop";
    }

    @Override
    public String summary() {
        return "stop services and wait until they are stopped";
    }

    @Override
    public String details() {
        return actionDetails("stopped");
    }
}
